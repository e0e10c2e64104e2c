package io.vnet.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class OffloadsTest {
    @Test
    void readsTheFeaturesOfEthtoolK() {
        String out = """
                Features for eth0:
                rx-checksumming: on
                tx-checksumming: off
                \ttx-checksum-ipv4: off [fixed]
                scatter-gather: on
                \ttx-scatter-gather: on
                tcp-segmentation-offload: on
                \ttx-tcp-segmentation: off [requested on]
                \ttx-tcp-accecn-segmentation: on
                generic-segmentation-offload: on
                generic-receive-offload: off
                """;
        assertEquals(List.of("tx-csum off", "sg on", "tso off", "gso on", "gro off"), Offloads.parse(out));
    }
}
