package io.vnet.it;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * The order of the integration test classes: those that may run beside the soak first, in the order listed, then
 * every other class by name. SoakIT runs concurrently with the other classes (its {@code @Execution}; the
 * settings are in {@code junit-platform.properties}): its five minutes are mostly waiting for the churn and the
 * samples, so CI spends them on classes that check behaviour (authentication, bad input, configuration, ...)
 * rather than waiting. The classes listed here load the machine lightly (no iperf3, no patterns workload)
 * and assert no timing or throughput that a second fabric on the machine could disturb. The classes that
 * measure (the benchmarks, the closed loop, the fault tests with recovery bounds) come after them, when the soak
 * is over or nearly so. Their order among themselves does not matter; the name order keeps runs comparable.
 */
public final class CiOrder implements ClassOrderer {
    /** The classes run beside the soak, about five minutes of them in CI. */
    static final List<String> BESIDE_THE_SOAK = List.of("SoakIT", "BadInputIT", "AuthenticationIT", "RevocationIT",
            "VnetCtlIT", "AgentProcessIT", "ProxyDhcpIT", "TenantIsolationIT", "MtuIT", "StarIT", "CloudStackHookIT");

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator
                .comparingInt((org.junit.jupiter.api.ClassDescriptor d) -> rank(d.getTestClass().getSimpleName()))
                .thenComparing(d -> d.getTestClass().getSimpleName()));
    }

    static int rank(String simpleName) {
        int i = BESIDE_THE_SOAK.indexOf(simpleName);
        return i < 0 ? BESIDE_THE_SOAK.size() : i;
    }
}
