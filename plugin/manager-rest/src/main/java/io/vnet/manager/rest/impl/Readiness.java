package io.vnet.manager.rest.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.manager.records.StoreWrites;

/**
 * What {@code /readyz} answers: ready (200) when the store answers and the agent channel listens,
 * else 503 with the reason first ("database unreachable since ...: ..."). It names the store by its
 * JDBC URL without password and counts the store's writes; it carries no tenant's data.
 */
final class Readiness {
    private Readiness() {
    }

    /** The answer: its status and body. */
    record Answer(int status, ObjectNode body) {
    }

    /**
     * @param store     the store's state (its check is bounded and cached: {@link StoreHealth})
     * @param storeName the store's JDBC URL without password
     * @param listening whether the agent channel listens (its service is registered while it does)
     * @param writes    the store's write queue, or null when not running
     */
    static Answer of(StoreHealth.Status store, String storeName, boolean listening, StoreWrites writes) {
        StringBuilder reason = new StringBuilder();
        if (!store.up()) {
            reason.append("database unreachable").append(store.since() != null ? " since " + store.since() : "")
                    .append(": ").append(store.error());
        }
        if (!listening) {
            reason.append(reason.length() > 0 ? "; " : "").append("the agent channel is not listening");
        }
        boolean ready = reason.length() == 0;
        ObjectNode o = Api.JSON.createObjectNode().put("ready", ready);
        if (!ready) {
            o.put("reason", reason.toString());
        }
        ObjectNode s = o.putObject("store").put("name", storeName).put("up", store.up())
                .put("checkedAt", store.checkedAt().toString());
        if (!store.up()) {
            s.put("downSince", store.since() == null ? null : store.since().toString()).put("error", store.error());
        }
        o.putObject("agentChannel").put("listening", listening);
        if (writes != null) {
            ObjectNode w = o.putObject("storeWrites").put("pending", writes.pending()).put("maxPending", writes.maxPending())
                    .put("written", writes.written()).put("retried", writes.retried()).put("refused", writes.refused())
                    .put("dropped", writes.dropped());
            if (writes.failingSince() != null) {
                w.put("failingSince", writes.failingSince().toString()).put("lastFailure", writes.lastFailure());
            }
        }
        return new Answer(ready ? 200 : 503, o);
    }
}
