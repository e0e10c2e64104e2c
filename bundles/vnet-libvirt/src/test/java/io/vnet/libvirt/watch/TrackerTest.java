package io.vnet.libvirt.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.libvirt.DomainInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tracker turns libvirt's events and listings into running / gone / arrived. */
class TrackerTest {
    private static final String A = "0a5e2f6c-9b1d-4c1e-8f00-00000000000a";
    private static final String B = "0a5e2f6c-9b1d-4c1e-8f00-00000000000b";

    /** A libvirt daemon as the tracker sees it: domains with a state and XML. */
    private static final class FakeSource implements DomainSource {
        final Map<String, Snapshot> domains = new LinkedHashMap<>();

        void put(String uuid, State state, String mac) {
            domains.put(uuid, new Snapshot(uuid, state, xml(uuid, mac)));
        }

        @Override
        public List<String> activeUuids() {
            return List.copyOf(domains.keySet());
        }

        @Override
        public Optional<Snapshot> domain(String uuid) {
            return Optional.ofNullable(domains.get(uuid));
        }
    }

    /** What the listener heard, in order. */
    private static final class Heard implements DomainListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void running(DomainInfo d, boolean arrived) {
            events.add((arrived ? "arrived " : "running ") + d.name() + " " + d.nics().get(0).mac());
        }

        @Override
        public void gone(String uuid, String why) {
            events.add("gone " + uuid.substring(uuid.length() - 1) + " " + why);
        }

        @Override
        public void arriving(DomainInfo d) {
            events.add("arriving " + d.name() + " " + d.nics().get(0).mac());
        }
    }

    static String xml(String uuid, String mac) {
        return "<domain type='kvm' id='3'><name>vm-" + uuid.substring(uuid.length() - 1) + "</name><uuid>" + uuid
                + "</uuid><memory unit='KiB'>65536</memory><devices><interface type='bridge'><mac address='" + mac
                + "'/><source bridge='br100'/><target dev='lv1'/><model type='virtio'/></interface></devices></domain>";
    }

    private final FakeSource source = new FakeSource();
    private final Heard heard = new Heard();
    private final Tracker tracker = new Tracker(source, heard);

    @Test
    void aBootedDomainRunsAndAStoppedOneIsGone() throws Exception {
        source.put(A, DomainSource.State.RUNNING, "52:54:00:00:00:0a");
        tracker.event(A, Tracker.Event.STARTED, "BOOTED");
        source.domains.remove(A);
        tracker.event(A, Tracker.Event.STOPPED, "DESTROYED");
        assertEquals(List.of("running vm-a 52:54:00:00:00:0a", "gone a stopped (destroyed)"), heard.events);
    }

    @Test
    void anIncomingMigrationCountsOnlyOnceResumedAndThenHasArrived() throws Exception {
        source.put(B, DomainSource.State.PAUSED, "52:54:00:00:00:0b");
        tracker.event(B, Tracker.Event.STARTED, "UNKNOWN"); // libvirt-java 0.5.2 may not know the detail
        assertEquals(List.of("arriving vm-b 52:54:00:00:00:0b"), heard.events,
                "paused at its start: arriving, not running (the source host still runs it)");
        source.put(B, DomainSource.State.RUNNING, "52:54:00:00:00:0b");
        tracker.event(B, Tracker.Event.RESUMED, "UNKNOWN");
        assertEquals(List.of("arriving vm-b 52:54:00:00:00:0b", "arrived vm-b 52:54:00:00:00:0b"), heard.events);
    }

    @Test
    void anIncomingMigrationThatFailsIsGoneWithoutHavingRun() throws Exception {
        source.put(B, DomainSource.State.PAUSED, "52:54:00:00:00:0b");
        tracker.event(B, Tracker.Event.STARTED, "MIGRATED");
        source.domains.remove(B);
        tracker.event(B, Tracker.Event.STOPPED, "FAILED");
        assertEquals(List.of("arriving vm-b 52:54:00:00:00:0b", "gone b its incoming migration ended: stopped (failed)"),
                heard.events);
        assertEquals(List.of(), tracker.running());
    }

    @Test
    void anIncomingMigrationMissedByItsEventsEndsAtTheNextListing() throws Exception {
        source.put(B, DomainSource.State.PAUSED, "52:54:00:00:00:0b");
        tracker.event(B, Tracker.Event.STARTED, "MIGRATED");
        source.domains.remove(B);
        tracker.resync();
        assertEquals(List.of("arriving vm-b 52:54:00:00:00:0b", "gone b its incoming migration ended: no longer active"),
                heard.events);
    }

    @Test
    void theSourceOfAMigrationSeesItGo() throws Exception {
        source.put(A, DomainSource.State.RUNNING, "52:54:00:00:00:0a");
        tracker.resync();
        tracker.event(A, Tracker.Event.SUSPENDED, "MIGRATED");
        source.domains.remove(A);
        tracker.event(A, Tracker.Event.STOPPED, "MIGRATED");
        assertEquals(List.of("running vm-a 52:54:00:00:00:0a", "gone a migrated away"), heard.events);
    }

    @Test
    void resyncReportsOnlyChangesAndCatchesMissedStops() throws Exception {
        source.put(A, DomainSource.State.RUNNING, "52:54:00:00:00:0a");
        source.put(B, DomainSource.State.RUNNING, "52:54:00:00:00:0b");
        tracker.resync();
        tracker.resync();
        assertEquals(2, heard.events.size(), "a second listing with nothing new says nothing");
        source.put(A, DomainSource.State.RUNNING, "52:54:00:00:00:aa"); // a NIC changed (hot plug)
        source.domains.remove(B);                                      // stopped while we were not looking
        tracker.resync();
        assertEquals(List.of("running vm-a 52:54:00:00:00:0a", "running vm-b 52:54:00:00:00:0b",
                "running vm-a 52:54:00:00:00:aa", "gone b no longer active"), heard.events);
        assertEquals(1, tracker.running().size());
    }

    @Test
    void eventsOfDomainsThatAreNotRunningHereChangeNothing() throws Exception {
        tracker.event(A, Tracker.Event.STOPPED, "SHUTDOWN");
        tracker.event(A, Tracker.Event.UNDEFINED, "REMOVED");
        tracker.event(A, Tracker.Event.STARTED, "BOOTED"); // gone again before we looked
        assertTrue(heard.events.isEmpty(), heard.events.toString());
    }
}
