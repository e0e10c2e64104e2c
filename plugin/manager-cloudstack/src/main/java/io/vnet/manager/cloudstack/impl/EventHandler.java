package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.manager.cloudstack.CloudStackException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a VM lifecycle event does to the inventory, whether it came by webhook or from listEvents:
 * VM.CREATE, VM.START, VM.STOP and VM.MIGRATE read that VM from CloudStack again; VM.DESTROY and
 * VM.EXPUNGE forget it. Events still under way (state Scheduled or Started) wait for their
 * Completed event. Other event types are counted and ignored.
 */
final class EventHandler {
    static final Set<String> VM_EVENTS = Set.of("VM.CREATE", "VM.START", "VM.STOP", "VM.MIGRATE", "VM.DESTROY",
            "VM.EXPUNGE");

    /** What handling an event did. */
    enum Outcome {
        /** The VM was read again from CloudStack. */
        REFRESHED,
        /** The VM was read again, and CloudStack no longer has it: forgotten. */
        GONE,
        /** The VM was forgotten (destroyed or expunged). */
        DROPPED,
        /** The event is Scheduled or Started: its Completed event will be handled. */
        IN_PROGRESS,
        /** The event names no VM: only a full sync can catch up. */
        NO_VM,
        /** Not a VM lifecycle event. */
        IGNORED
    }

    private final Inventory inventory;
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, AtomicLong> ignored = new ConcurrentHashMap<>();

    EventHandler(Inventory inventory) {
        this.inventory = inventory;
    }

    static boolean isVmEvent(String type) {
        return type != null && VM_EVENTS.contains(type);
    }

    /**
     * Handles one event.
     *
     * @param status the event's state (Created, Scheduled, Started, Completed), null if not given
     * @param vmUuid the VM it is about, null if not given
     */
    Outcome handle(String type, String status, String vmUuid) throws CloudStackException {
        if (!isVmEvent(type)) {
            ignored.computeIfAbsent(type == null ? "(none)" : type, t -> new AtomicLong()).incrementAndGet();
            return Outcome.IGNORED;
        }
        if ("Scheduled".equalsIgnoreCase(status) || "Started".equalsIgnoreCase(status)) {
            return Outcome.IN_PROGRESS;
        }
        if (vmUuid == null || vmUuid.isBlank()) {
            return Outcome.NO_VM;
        }
        try {
            Outcome o;
            if (type.equals("VM.DESTROY") || type.equals("VM.EXPUNGE")) {
                inventory.drop(vmUuid);
                o = Outcome.DROPPED;
            } else {
                o = inventory.refresh(vmUuid).isPresent() ? Outcome.REFRESHED : Outcome.GONE;
            }
            handled.incrementAndGet();
            return o;
        } catch (CloudStackException | RuntimeException e) {
            failed.incrementAndGet();
            throw e;
        }
    }

    long handled() {
        return handled.get();
    }

    long failed() {
        return failed.get();
    }

    long ignored(String type) {
        AtomicLong n = ignored.get(type);
        return n == null ? 0 : n.get();
    }

    /** The counters as JSON: handled, failed, ignored by event type. */
    ObjectNode counters() {
        ObjectNode o = CloudStackClient.JSON.createObjectNode().put("handled", handled.get()).put("failed", failed.get());
        ObjectNode ig = o.putObject("ignored");
        new TreeMap<>(ignored).forEach((t, n) -> ig.put(t, n.get()));
        return o;
    }
}
