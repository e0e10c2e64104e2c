package io.vnet.manager.adapt;

import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService.Decision;
import io.vnet.manager.AdaptationService.Mode;
import io.vnet.manager.AdaptationService.Recommendation;
import io.vnet.manager.AuditLog;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Undoes decisions: a person's rollback, and the loop's own when a decision it applied did not pay
 * (issue 18, item 5). In AUTOMATIC mode, once a decision's realised gain is measured and it is below
 * {@code 1 - tolerance}, the loop rolls it back to the overlay before it, records that with both
 * gains (predicted and realised), and remembers the plan with the traffic it was made for: the same
 * plan (the same overlay and moves) is not applied again to traffic within {@link TrafficShift#CHANGED}
 * of that. The loop judges only the newest decision still in force, and only while the traffic is
 * still the one it was made for (a gain measured across a change of pattern says nothing of the
 * plan). A decision that moved VMs is not rolled back by the loop (a rollback restores links and
 * rules, it does not move VMs back): its low gain is recorded in its note.
 */
final class Undo {
    private static final System.Logger LOG = System.getLogger(Undo.class.getName());
    /** Who the loop's own rollbacks are recorded as, in the audit log. */
    static final String ACTOR = "adaptation";

    /** A plan rolled back for not paying, and the traffic it was made for. */
    record Refused(TrafficShift.Shares traffic, String plan, long decision, double predictedGain, double realisedGain) {
    }

    private final Rollout rollout;
    private final AuditLog audit;
    private final DecisionLog log;
    private final Clock clock;
    private final double tolerance;

    Undo(Rollout rollout, AuditLog audit, DecisionLog log, Clock clock, double tolerance) {
        this.rollout = rollout;
        this.audit = audit;
        this.log = log;
        this.clock = clock;
        this.tolerance = tolerance;
    }

    /** The newest applied decision not rolled back, if any. */
    static Optional<LoopRecords.Stored> inForce(NetworkState s) {
        for (LoopRecords.Stored d : s.decisions.descendingMap().values()) {
            if (d.decision().applied() && d.decision().rolledBackAt() == null) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** Restores the overlay before {@code target}'s decision and records who did it and why. */
    Decision rollBack(NetworkId network, NetworkState s, LoopRecords.Stored target, String actor, String why) {
        Decision d = target.decision();
        audit.record(actor, "rollback", "network " + network.vni(), "decision " + d.id() + " (" + d.trigger() + ")"
                + (why.isEmpty() ? "" : ": " + why));
        rollout.install(network, target.before(), actor, "rollback of decision " + d.id());
        Decision rolled = d.withRolledBackAt(clock.instant());
        if (!why.isEmpty()) {
            rolled = rolled.withNote(d.note().isEmpty() ? why : d.note() + "; " + why);
        }
        log.put(network, s, new LoopRecords.Stored(rolled, target.before(), target.after()));
        s.awaitingAck.remove(d.id());
        s.plannedFor.remove(d.id());
        s.rendered = null; // the overlay restored is not one this loop follows moves on
        s.renderedPairRoutes = null;
        s.routedAround = java.util.Set.of();
        LOG.log(Level.INFO, "network " + network + ": decision " + d.id() + " rolled back by " + actor
                + (why.isEmpty() ? "" : ": " + why));
        return rolled;
    }

    /**
     * Judges a decision whose realised gain was just measured: rolls it back when it is the newest in
     * force, was applied by the loop for traffic that still flows, moved no VM, and its gain is below
     * {@code 1 - tolerance}.
     *
     * @param flowedThrough whether the network's traffic flowed without a pause from before the
     *                      measurement to now (an application that stopped meanwhile has a low rate after
     *                      that says nothing of the plan)
     */
    void judge(NetworkId network, NetworkState s, LoopRecords.Stored measured, boolean flowedThrough) {
        Decision d = measured.decision();
        TrafficShift.Shares planned = s.plannedFor.remove(d.id());
        double gain = d.realisedGain();
        if (planned == null || s.settings.mode() != Mode.AUTOMATIC || Double.isNaN(gain) || gain >= 1 - tolerance) {
            return;
        }
        String gains = String.format(Locale.ROOT, "realised gain %.2f below %.2f (predicted %.2f)", gain, 1 - tolerance,
                d.recommendation().predictedGain());
        Optional<LoopRecords.Stored> newest = inForce(s);
        if (newest.isEmpty() || newest.get().decision().id() != d.id()) {
            return; // a newer decision replaced it
        }
        if (!flowedThrough) {
            note(network, s, measured, gains + "; not rolled back: the traffic paused while it was measured");
            return;
        }
        double moved = planned.distance(s.shift.current());
        if (s.shift.current().isEmpty() || moved >= TrafficShift.CHANGED) {
            note(network, s, measured, gains + "; not rolled back: the traffic changed since (distance "
                    + String.format(Locale.ROOT, "%.2f", moved) + ")");
            return;
        }
        if (!d.migrated().isEmpty()) {
            note(network, s, measured, gains + "; not rolled back by the loop: it moved VMs, which a rollback does not"
                    + " move back");
            return;
        }
        rollBack(network, s, measured, ACTOR, "rolled back by the loop: " + gains);
        s.refused.addLast(new Refused(planned, planKey(d.recommendation()), d.id(), d.recommendation().predictedGain(),
                gain));
        while (s.refused.size() > NetworkState.MAX_REFUSED) {
            s.refused.removeFirst();
            s.refusedForgotten++;
            LOG.log(Level.INFO, "network " + network + ": " + s.refusedForgotten + " rolled-back plan(s) forgotten"
                    + " (at most " + NetworkState.MAX_REFUSED + " kept)");
        }
    }

    /**
     * The rolled-back plan that {@code r} repeats for traffic like {@code traffic}, if any: the loop
     * does not apply it again.
     */
    static Optional<Refused> refused(NetworkState s, TrafficShift.Shares traffic, Recommendation r) {
        String key = planKey(r);
        for (Refused f : s.refused) {
            if (f.plan().equals(key) && f.traffic().distance(traffic) < TrafficShift.CHANGED) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** What makes two plans the same: the overlay's links and the VMs moved, in order. */
    static String planKey(Recommendation r) {
        List<String> links = new ArrayList<>(r.overlay());
        links.sort(null);
        List<String> moves = new ArrayList<>(r.migrations());
        moves.sort(null);
        return links + " " + moves;
    }

    private void note(NetworkId network, NetworkState s, LoopRecords.Stored st, String why) {
        Decision d = st.decision();
        log.put(network, s, new LoopRecords.Stored(d.withNote(d.note().isEmpty() ? why : d.note() + "; " + why),
                st.before(), st.after()));
        LOG.log(Level.INFO, "network " + network + " decision " + d.id() + ": " + why);
    }
}
