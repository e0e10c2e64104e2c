package io.vnet.it.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * One manager of a cluster of two killed with SIGKILL (by its pid) in the middle of a run, and what
 * it takes to recover: (a) the time until every agent that was connected to it is connected again
 * (the fleet's own view, every 100 ms; also when the survivor's {@code vnet_manager_agent_connections}
 * reached the number of agents connected to either manager at the kill: the agents it had then and the
 * dead one's; its link to the dead peer, one of its connections before, is gone), (b) the time until every network it owned is owned by the survivor
 * (its {@code GET /api/cluster}, polled every 250 ms by the {@link ClusterWatch} that reads from the
 * survivor once the other is dead). The target: both within {@link #TARGET_SECONDS}.
 */
final class Failover implements AutoCloseable {
    /** Issue 21: the agents reconnect and their networks are owned again within 30 s. */
    static final double TARGET_SECONDS = 30;

    private final Fleet fleet;
    private final String victim;
    private final int victimIndex;
    private final String survivor;
    private final DoubleSupplier survivorConnections;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadgen-failover");
        t.setDaemon(true);
        return t;
    });
    private final List<SimulatedAgent> waiting = new ArrayList<>();
    private final Latencies agentBack = new Latencies();
    private final Set<Integer> networks;
    private final Map<Integer, Long> taken = new HashMap<>();
    private final Latencies networkTaken = new Latencies();
    private int agentsOnVictim;
    private int agentsOnSurvivor;
    private volatile long killedAt;
    private volatile long agentsBackAt = -1;
    private volatile long survivorConnectionsAt = -1;
    private volatile long networksOwnedAt = -1;
    private long killedPid;

    /**
     * @param victimIndex         its index in the fleet's list of managers (which agents are connected to it)
     * @param victimNetworks      the networks (VNIs) it owned just before
     * @param survivorConnections the survivor's latest {@code vnet_manager_agent_connections} (NaN: none yet)
     */
    Failover(Fleet fleet, String victim, int victimIndex, String survivor, Set<Integer> victimNetworks,
             DoubleSupplier survivorConnections) {
        this.fleet = fleet;
        this.victim = victim;
        this.victimIndex = victimIndex;
        this.survivor = survivor;
        this.networks = new HashSet<>(victimNetworks);
        this.survivorConnections = survivorConnections;
    }

    /** Notes the victim's agents, kills it by its pid and starts watching; false when it did not die within 10 s. */
    boolean kill(long pid) throws InterruptedException {
        for (SimulatedAgent a : fleet.agents()) {
            int m = a.connectedTo();
            if (m == victimIndex) {
                waiting.add(a);
            } else if (m >= 0) {
                agentsOnSurvivor++;
            }
        }
        agentsOnVictim = waiting.size();
        killedPid = pid;
        ProcessHandle h = ProcessHandle.of(pid).orElse(null);
        killedAt = System.currentTimeMillis();
        boolean died = true;
        if (h != null) {
            h.destroyForcibly(); // SIGKILL on Linux
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                died = false;
            }
        }
        synchronized (this) {
            if (networks.isEmpty()) {
                networksOwnedAt = killedAt;
            }
        }
        clock.scheduleAtFixedRate(this::watchAgents, 0, 100, TimeUnit.MILLISECONDS);
        return died;
    }

    private void watchAgents() {
        long now = System.currentTimeMillis();
        synchronized (this) {
            for (int i = waiting.size() - 1; i >= 0; i--) {
                // connected to another manager: one still counting itself connected to the dead one has not noticed
                // yet (its connection's end waits on its event loop), so it is not back
                int m = waiting.get(i).connectedTo();
                if (m >= 0 && m != victimIndex) {
                    agentBack.add(now - killedAt);
                    waiting.remove(i);
                }
            }
            if (waiting.isEmpty() && agentsBackAt < 0) {
                agentsBackAt = now;
            }
        }
        double c = survivorConnections.getAsDouble();
        if (survivorConnectionsAt < 0 && !Double.isNaN(c) && c >= agentsOnSurvivor + agentsOnVictim) {
            survivorConnectionsAt = now;
        }
    }

    /** A view of the cluster (from {@link ClusterWatch}): the networks the survivor owns now are taken. */
    void viewed(long at, ClusterWatch.View v) {
        if (killedAt == 0 || at < killedAt || !survivor.equals(v.self())) {
            return;
        }
        synchronized (this) {
            for (Integer vni : networks) {
                if (!taken.containsKey(vni) && survivor.equals(v.owners().get(vni))) {
                    taken.put(vni, at);
                    networkTaken.add(at - killedAt);
                }
            }
            if (taken.size() == networks.size() && networksOwnedAt < 0) {
                networksOwnedAt = at;
            }
        }
    }

    long killedAt() {
        return killedAt;
    }

    /** When every agent and every network was back (the later of the two), or -1. */
    long recoveredAt() {
        return agentsBackAt < 0 || networksOwnedAt < 0 ? -1 : Math.max(agentsBackAt, networksOwnedAt);
    }

    /** The figures; {@code windowStart} to express the kill's time within the window. */
    synchronized Result.Failover outcome(long windowStart) {
        double agentsS = agentsBackAt < 0 ? Double.NaN : (agentsBackAt - killedAt) / 1000.0;
        double survivorS = survivorConnectionsAt < 0 ? Double.NaN : (survivorConnectionsAt - killedAt) / 1000.0;
        double ownedS = networksOwnedAt < 0 ? Double.NaN : (networksOwnedAt - killedAt) / 1000.0;
        return new Result.Failover(victim, killedPid, survivor, (killedAt - windowStart) / 1000.0, agentsOnVictim,
                agentsOnVictim - waiting.size(), agentsS, agentBack.summary(), survivorS, networks.size(), taken.size(),
                ownedS, networkTaken.summary(), TARGET_SECONDS,
                !Double.isNaN(agentsS) && agentsS <= TARGET_SECONDS, !Double.isNaN(ownedS) && ownedS <= TARGET_SECONDS);
    }

    /** A line for the progress log. */
    synchronized String progress() {
        long now = System.currentTimeMillis();
        return String.format(Locale.ROOT, "failover %.1f s ago: %d of %d agents back, %d of %d networks owned by %s",
                (now - killedAt) / 1000.0, agentsOnVictim - waiting.size(), agentsOnVictim, taken.size(), networks.size(),
                survivor);
    }

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
