package io.vnet.manager.adapt;

import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService.Decision;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * Follows an applied decision to its end: marks it acknowledged once every agent applied its
 * generation, and measures its realised gain (rate after / rate before, {@link RateMeter}) once
 * the overlay settled.
 */
final class GainMeter {
    private static final System.Logger LOG = System.getLogger(GainMeter.class.getName());

    private final RateMeter rates;
    private final Rollout rollout;
    private final DecisionLog log;
    private final AdaptationLoop.Timing timing;
    private final Clock clock;

    GainMeter(RateMeter rates, Rollout rollout, DecisionLog log, AdaptationLoop.Timing timing, Clock clock) {
        this.rates = rates;
        this.rollout = rollout;
        this.log = log;
        this.timing = timing;
        this.clock = clock;
    }

    /**
     * The network's rate just before a decision, only once its traffic has flowed for a while (a pattern
     * that just started is still warming up, and its early rate would inflate the realised gain); NaN before.
     */
    double rateBefore(NetworkId network, long now) {
        long active = rates.activeSince(network, now);
        return active >= 0 && now - active >= AdaptationLoop.MIN_ACTIVE_MS
                ? rates.rate(network, now - AdaptationLoop.BEFORE_MS, now) : Double.NaN;
    }

    /** Marks the applied decisions acknowledged once the network's move is over and every host applied it. */
    void followAcks(NetworkId network, NetworkState s) {
        if (s.awaitingAck.isEmpty() || !rollout.acknowledged(network)) {
            return;
        }
        for (Long id : List.copyOf(s.awaitingAck)) {
            s.awaitingAck.remove(id);
            LoopRecords.Stored st = s.decisions.get(id);
            if (st != null) {
                log.put(network, s, new LoopRecords.Stored(st.decision().withAckedAt(clock.instant()), st.before(),
                        st.after()));
            }
        }
    }

    /** Measures the realised gain of every applied decision whose overlay has settled; returns them as measured. */
    List<LoopRecords.Stored> measure(NetworkId network, NetworkState s, long now) {
        List<LoopRecords.Stored> out = new java.util.ArrayList<>();
        for (LoopRecords.Stored st : List.copyOf(s.decisions.values())) {
            Decision d = st.decision();
            if (!d.applied() || d.appliedAt() == null || !Double.isNaN(d.rateAfter()) || d.rolledBackAt() != null) {
                continue;
            }
            long from = d.appliedAt().toEpochMilli() + timing.settleMillis();
            if (now < from + timing.measureMillis()) {
                continue;
            }
            double measured = rates.rate(network, from, from + timing.measureMillis());
            double after = Double.isNaN(measured) ? 0 : measured; // no report at all: nothing flowed
            double gain = d.rateBefore() > 0 ? after / d.rateBefore() : Double.NaN;
            String note = d.note();
            if (Double.isNaN(d.rateBefore())) {
                note = (note.isEmpty() ? "" : note + "; ") + "realised gain not measured: the traffic had flowed less than "
                        + AdaptationLoop.MIN_ACTIVE_MS + " ms before the decision, too little to measure the rate before it";
            }
            LoopRecords.Stored measuredNow = new LoopRecords.Stored(d.withMeasured(after, gain, note), st.before(), st.after());
            log.put(network, s, measuredNow);
            out.add(measuredNow);
            LOG.log(Level.INFO, String.format(Locale.ROOT, "network %s decision %d: realised gain %.2f (rate %.0f -> %.0f"
                    + " B/s), predicted %.2f", network, d.id(), gain, d.rateBefore(), after,
                    d.recommendation().predictedGain()));
        }
        return out;
    }
}
