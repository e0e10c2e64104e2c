package io.vnet.vadapt;

/**
 * What the underlay offers between two hosts: the available bandwidth in bits per second and the
 * one-way latency in seconds.
 */
public record PathProperties(double bandwidthBitsPerSecond, double latencySeconds) {
    public PathProperties {
        if (!(bandwidthBitsPerSecond > 0) || Double.isInfinite(bandwidthBitsPerSecond)) {
            throw new IllegalArgumentException("invalid bandwidth " + bandwidthBitsPerSecond
                    + " bit/s: expected a finite number > 0");
        }
        if (!(latencySeconds >= 0) || Double.isInfinite(latencySeconds)) {
            throw new IllegalArgumentException("invalid latency " + latencySeconds
                    + " s: expected a finite number >= 0");
        }
    }

    public static PathProperties of(double bandwidthBitsPerSecond, double latencySeconds) {
        return new PathProperties(bandwidthBitsPerSecond, latencySeconds);
    }
}
