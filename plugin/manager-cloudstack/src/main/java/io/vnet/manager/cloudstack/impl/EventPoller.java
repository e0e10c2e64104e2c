package io.vnet.manager.cloudstack.impl;

import io.vnet.manager.cloudstack.CloudStackException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The fallback for CloudStack before 4.20 (or when configured): asks listEvents for the events
 * since the newest one seen (less an overlap, since listEvents' startdate has whole seconds in
 * the management server's time zone), skips the ids it has seen (the same de-duplication as the
 * webhook receiver), and handles the rest like webhook deliveries. Events without a resource id
 * (CloudStack before 4.17) cannot name their VM: one full sync of the inventory catches up.
 */
final class EventPoller {
    private static final System.Logger LOG = System.getLogger(EventPoller.class.getName());
    static final DateTimeFormatter START_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final CloudStackClient client;
    private final RecentIds seen;
    private final EventHandler handler;
    private final Inventory inventory;
    private final Clock clock;
    private final ZoneId serverZone;
    private final Duration overlap;
    private Instant since;

    EventPoller(CloudStackClient client, RecentIds seen, EventHandler handler, Inventory inventory, Clock clock,
                ZoneId serverZone, Duration overlap) {
        this.client = client;
        this.seen = seen;
        this.handler = handler;
        this.inventory = inventory;
        this.clock = clock;
        this.serverZone = serverZone;
        this.overlap = overlap;
        this.since = clock.instant();
    }

    /** The startdate of the next poll, in CloudStack's format and the server's zone. */
    synchronized String startDate() {
        return START_DATE.format(since.minus(overlap).atZone(serverZone));
    }

    /** One poll; returns how many new VM events were handled. */
    synchronized int poll() throws CloudStackException {
        List<CsEvent> events = new ArrayList<>(client.listEvents(startDate(), null));
        events.sort(Comparator.comparing(CsEvent::created, Comparator.nullsFirst(Comparator.naturalOrder())));
        int handled = 0;
        boolean needSync = false;
        for (CsEvent e : events) {
            if (e.created() != null && e.created().isAfter(since)) {
                since = e.created();
            }
            if (e.id() == null || !seen.firstTime(e.id())) {
                continue;
            }
            String vm = "VirtualMachine".equalsIgnoreCase(e.resourceType()) ? e.resourceId() : null;
            try {
                EventHandler.Outcome o = handler.handle(e.type(), e.state(), vm);
                if (o == EventHandler.Outcome.NO_VM) {
                    needSync = true;
                } else if (o != EventHandler.Outcome.IGNORED && o != EventHandler.Outcome.IN_PROGRESS) {
                    handled++;
                }
            } catch (CloudStackException ex) {
                LOG.log(Level.WARNING, "event " + e.id() + " " + e.type() + " vm " + vm + ": " + ex.getMessage());
                needSync = true;
            }
        }
        if (needSync) {
            inventory.fullSync();
        }
        return handled;
    }
}
