package io.vnet.vadapt;

/** An adaptation algorithm. Implementations are stateless; see {@link Adapters}. */
public interface Adapter {
    /** {@code topk}, {@code greedy}, {@code anneal} or {@code exhaustive}. */
    String name();

    /** The plan for a problem; never null. A plan that is not worth applying says so. */
    Plan adapt(Problem problem, Budget budget);
}
