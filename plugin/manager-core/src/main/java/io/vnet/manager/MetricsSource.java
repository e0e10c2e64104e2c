package io.vnet.manager;

import io.vnet.protocol.metrics.Exposition;

/**
 * A part of the manager that has metrics: the agent channel, VTTIF, the closed loop, the records.
 * Each registers one as a service; the REST bundle's {@code /metrics} writes them all, in turn,
 * at every scrape. A source writes whole families (each family name belongs to one source) from
 * what it holds now, and must not block: no store call, no lock held across a slow step.
 */
public interface MetricsSource {
    void write(Exposition e);
}
