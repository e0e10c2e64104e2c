package io.vnet.manager.adapt;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.AdaptationService.Decision;
import io.vnet.manager.AuditLog;
import io.vnet.manager.MigrationExecutor;
import io.vnet.vadapt.Plan;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Applies a decision's plan: migrates the VMs it moves first (each through the migration
 * executor, audited), then pushes its links and rules ({@link Rollout}). A failed migration
 * changes nothing for its VM; the plan is made again without migrations, and the network gets
 * none for an hour (no retry loop). Migrations run outside the loop's lock (they may take
 * minutes): meanwhile the network is marked {@code migrating}, so the loop leaves it alone and a
 * person's apply or rollback is refused; a network forgotten meanwhile gets nothing installed.
 */
final class Applier {
    /** A migration to run. */
    interface Migration {
        void run() throws Exception;
    }

    /** Runs a migration with the loop's lock released. */
    interface Outside {
        void run(Migration m) throws Exception;
    }

    /** Whether the loop still manages the network with this state (it was not forgotten meanwhile). */
    interface StillManaged {
        boolean test(NetworkId network, NetworkState s);
    }

    private static final System.Logger LOG = System.getLogger(Applier.class.getName());

    private final Recommender recommender;
    private final Rollout rollout;
    private final AuditLog audit;
    private final Supplier<MigrationExecutor> executor;
    private final Clock clock;
    private final Outside outside;
    private final StillManaged stillManaged;

    Applier(Recommender recommender, Rollout rollout, AuditLog audit, Supplier<MigrationExecutor> executor, Clock clock,
            Outside outside, StillManaged stillManaged) {
        this.recommender = recommender;
        this.rollout = rollout;
        this.audit = audit;
        this.executor = executor;
        this.clock = clock;
        this.outside = outside;
        this.stillManaged = stillManaged;
    }

    /** Applies {@code planned} for {@code stored}'s decision; returns the decision as it ended (applied or with a note). */
    LoopRecords.Stored apply(NetworkId network, NetworkState s, LoopRecords.Stored stored, Recommender.Planned planned) {
        Decision d = stored.decision();
        Plan plan = planned.result().plan();
        List<String> migrated = new ArrayList<>();
        String note = "";
        MigrationExecutor migrations = executor.get();
        s.migrating = !plan.migrations().isEmpty();
        try {
            for (MacAddress vm : plan.migrations()) {
                String from = planned.result().problem().placement().hostOf(vm);
                String to = plan.placement().hostOf(vm);
                audit.record("adaptation", "migrate", "vm " + vm, from + " -> " + to + " (decision " + d.id() + ")");
                try {
                    outside.run(() -> migrations.migrate(network, vm, from, to));
                    migrated.add(vm + "->" + to);
                    s.migrations.addLast(clock.millis());
                } catch (Exception e) {
                    // nothing was changed for it: the desired state is still the one before this decision; the plan
                    // is redone without migrations, and none is tried on this network for an hour (no retry loop)
                    s.migrationFailedAt = clock.millis();
                    note = "migration of " + vm + " to " + to + " failed, planned again without migrations"
                            + " (none tried on this network for an hour): " + e.getMessage();
                    audit.record("adaptation", "migrate-failed", "vm " + vm, from + " -> " + to + " (decision " + d.id()
                            + "): " + e.getMessage());
                    LOG.log(Level.WARNING, "network " + network + " decision " + d.id() + ": " + note);
                    break;
                }
            }
        } finally {
            s.migrating = false;
        }
        if (!stillManaged.test(network, s)) {
            return notApplied(stored, migrated, "the network's adaptation was forgotten while its VMs migrated:"
                    + " nothing installed");
        }
        if (!note.isEmpty()) {
            try {
                planned = recommender.plan(network, s.settings.algorithm(), false);
                plan = planned.result().plan();
            } catch (RuntimeException e) {
                return notApplied(stored, migrated, note + "; no plan: " + e.getMessage());
            }
            if (!plan.apply()) {
                return notApplied(stored, migrated, note + "; not worth applying");
            }
        }
        Rollout.Installed next;
        try {
            next = rollout.render(network, plan);
        } catch (IllegalArgumentException e) {
            return notApplied(stored, migrated, "cannot apply: " + e.getMessage());
        }
        Map<String, Long> gens = rollout.install(network, next, "adaptation", "decision " + d.id() + " (" + d.trigger() + ")");
        s.awaitingAck.add(d.id());
        s.rendered = new HashMap<>(plan.placement().hosts());
        s.renderedDemand = planned.result().problem().demand();
        s.renderedOverlay = plan.overlay();
        s.renderedRoutes = next;
        s.renderedPairRoutes = plan.routes();
        s.routedAround = java.util.Set.of(); // the new plan's routes: LinkWatch routes around what is down from here
        Instant at = clock.instant();
        return new LoopRecords.Stored(d.withApplied(planned.recommendation(), note, at, gens.isEmpty() ? at : null,
                migrated), stored.before(), next);
    }

    private static LoopRecords.Stored notApplied(LoopRecords.Stored stored, List<String> migrated, String note) {
        return new LoopRecords.Stored(stored.decision().withNotApplied(migrated).withNote(note), stored.before(),
                stored.after());
    }
}
