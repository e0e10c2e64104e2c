package io.vnet.manager.vttif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.Recorder;
import io.vnet.vttif.TopologyChange;
import io.vnet.vttif.TrafficMatrix;
import io.vnet.vttif.VttifConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The recorded history is pruned as VTTIF evaluates: at the first evaluation and then every
 * {@link VttifService#PRUNE_EVERY_MS}, of what is older than the history kept; and the setting
 * that keeps it is read, bounded and named when wrong.
 */
class VttifServicePruneTest {
    private static final long HOUR = 3_600_000;

    /** Records only the prunes (the other calls are VTTIF's records, which this test leaves alone). */
    static final class Prunes implements Recorder {
        final List<Instant> before = new ArrayList<>();

        @Override
        public void host(String hostId, String address, String role) {
        }

        @Override
        public void vms(String hostId, Map<NetworkId, List<MacAddress>> vms) {
        }

        @Override
        public void desired(io.vnet.manager.DesiredState state) {
        }

        @Override
        public void topology(TopologyChange change) {
        }

        @Override
        public void matrix(NetworkId network, TrafficMatrix matrix) {
        }

        @Override
        public void pruneHistory(Instant before) {
            this.before.add(before);
        }
    }

    @Test
    void theHistoryIsPrunedEveryMinuteOfWhatIsOlderThanItsTime() {
        Prunes prunes = new Prunes();
        long kept = 10 * 60_000;
        // evaluated by hand: the service's own clock ticks once an hour
        try (VttifService s = new VttifService(VttifConfig.defaults(), HOUR, HOUR, kept, prunes)) {
            long t0 = 1_800_000_000_000L;
            s.evaluate(t0);
            s.evaluate(t0 + 30_000);
            s.evaluate(t0 + VttifService.PRUNE_EVERY_MS - 1);
            s.evaluate(t0 + VttifService.PRUNE_EVERY_MS);
            s.evaluate(t0 + 2 * VttifService.PRUNE_EVERY_MS + 500);
            assertEquals(List.of(Instant.ofEpochMilli(t0 - kept), Instant.ofEpochMilli(t0 + VttifService.PRUNE_EVERY_MS - kept),
                    Instant.ofEpochMilli(t0 + 2 * VttifService.PRUNE_EVERY_MS + 500 - kept)), prunes.before);
        }
    }

    @Test
    void theHistoryKeptIsASettingWithADayByDefault() {
        assertEquals(1440, VttifSettings.parse(io.vnet.protocol.Json.object()).historyMinutes());
        assertEquals(10, VttifSettings.parse(io.vnet.protocol.Json.object().put("historyMinutes", 10)).historyMinutes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VttifSettings.parse(io.vnet.protocol.Json.object().put("historyMinutes", 0)));
        assertEquals(true, e.getMessage().startsWith("vttif.historyMinutes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new VttifService(VttifConfig.defaults(), HOUR, HOUR, 0, prunes()));
    }

    private static Recorder prunes() {
        return new Prunes();
    }
}
