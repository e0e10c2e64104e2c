package io.vnet.it.load;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.util.concurrent.CompletableFuture;

/**
 * A VM pair that starts talking at the driver's word: a simulated agent adds it to its reports from
 * the next one on, and completes {@link #firstSent} with the time that report was written to the
 * manager's connection (epoch milliseconds).
 */
public record ProbePair(NetworkId network, MacAddress src, MacAddress dst, long bytesPerSecond,
                        CompletableFuture<Long> firstSent) {
    public static ProbePair of(NetworkId network, MacAddress src, MacAddress dst, long bytesPerSecond) {
        return new ProbePair(network, src, dst, bytesPerSecond, new CompletableFuture<>());
    }
}
