package io.vnet.it.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Who owns which network, as a cluster's managers say it: {@code GET /api/cluster} (admin; {@code
 * {"self", "clustered", "members": [{id, agentAddress, apiAddress}], "owners": {"VNI": "member id"}}})
 * every {@code everyMs} on the manager {@code reader} names at that moment (after a failover: the
 * survivor). Keeps the latest answer and hands each to its listeners with the time it came. Read
 * with bounds: at most {@link #MAX_OWNERS} owners and {@link #MAX_MEMBERS} members, ids of at most 64
 * characters.
 */
public final class ClusterWatch implements AutoCloseable {
    static final int MAX_OWNERS = 100_000;
    static final int MAX_MEMBERS = 64;

    /** One answer: the manager that gave it, the live members' ids, each network's owner. */
    public record View(long atMillis, String self, List<String> members, Map<Integer, String> owners) {
        /** How many networks each member owns. */
        public Map<String, Integer> counts() {
            Map<String, Integer> m = new HashMap<>();
            owners.values().forEach(id -> m.merge(id, 1, Integer::sum));
            return m;
        }
    }

    private final Supplier<ManagerApi> reader;
    private final long everyMs;
    private final List<BiConsumer<Long, View>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadgen-cluster");
        t.setDaemon(true);
        return t;
    });
    private final LongAdder errors = new LongAdder();
    private volatile View latest;
    private volatile String lastError;

    public ClusterWatch(Supplier<ManagerApi> reader, long everyMs) {
        this.reader = reader;
        this.everyMs = everyMs;
    }

    public void onView(BiConsumer<Long, View> l) {
        listeners.add(l);
    }

    public void start() {
        clock.scheduleWithFixedDelay(this::poll, 0, everyMs, TimeUnit.MILLISECONDS);
    }

    /** One poll now (also what the periodic task does); null when it failed. */
    public View poll() {
        try {
            ManagerApi.Answer a = reader.get().get("/cluster");
            long at = System.currentTimeMillis();
            if (a.status() != 200) {
                throw new java.io.IOException("GET /api/cluster answered " + a.status());
            }
            View v = parse(at, a.json());
            latest = v;
            for (BiConsumer<Long, View> l : listeners) {
                l.accept(at, v);
            }
            return v;
        } catch (Exception e) {
            errors.increment();
            lastError = e.toString();
            return null;
        }
    }

    static View parse(long at, JsonNode j) {
        List<String> members = new ArrayList<>();
        JsonNode ms = j.path("members");
        for (int i = 0; ms.isArray() && i < Math.min(ms.size(), MAX_MEMBERS); i++) {
            String id = ms.get(i).path("id").asText("");
            if (!id.isEmpty() && id.length() <= 64) {
                members.add(id);
            }
        }
        Map<Integer, String> owners = new HashMap<>();
        JsonNode os = j.path("owners");
        if (os.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = os.fields();
            while (it.hasNext() && owners.size() < MAX_OWNERS) {
                Map.Entry<String, JsonNode> e = it.next();
                String id = e.getValue().asText("");
                if (e.getKey().length() > 8 || id.isEmpty() || id.length() > 64) {
                    continue;
                }
                try {
                    owners.put(Integer.parseInt(e.getKey()), id);
                } catch (NumberFormatException x) {
                    // not a VNI: skipped
                }
            }
        }
        String self = j.path("self").asText("");
        return new View(at, self.length() <= 64 ? self : "", List.copyOf(members), Map.copyOf(owners));
    }

    /** The latest view, or null before the first answer. */
    public View latest() {
        return latest;
    }

    /** The owner of a network in the latest view, or null. */
    public String owner(int vni) {
        View v = latest;
        return v == null ? null : v.owners().get(vni);
    }

    public long errors() {
        return errors.sum();
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public void close() throws InterruptedException {
        clock.shutdownNow();
        clock.awaitTermination(35, TimeUnit.SECONDS);
    }
}
