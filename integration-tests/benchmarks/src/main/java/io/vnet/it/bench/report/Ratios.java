package io.vnet.it.bench.report;

import io.vnet.it.bench.RowResult;
import io.vnet.it.bench.Transport;
import java.util.Map;
import java.util.Optional;

/** Throughput of a row relative to a reference row of the same run, for 1 and for 4 streams. */
public record Ratios(double oneStream, double fourStreams) {
    public static Optional<Ratios> of(Map<Transport, RowResult> results, Transport row, Transport reference) {
        RowResult r = results.get(row);
        RowResult ref = results.get(reference);
        if (r == null || ref == null) {
            return Optional.empty();
        }
        return Optional.of(new Ratios(r.gbps(1) / ref.gbps(1), r.gbps(4) / ref.gbps(4)));
    }

    public boolean atLeast(double x) {
        return oneStream >= x && fourStreams >= x;
    }

    @Override
    public String toString() {
        return String.format("%.2f / %.2f", oneStream, fourStreams);
    }
}
