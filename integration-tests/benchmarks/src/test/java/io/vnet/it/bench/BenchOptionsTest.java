package io.vnet.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    private static final Path REPO = Path.of("/repo");

    @Test
    void defaultsAreTheFullRun() {
        BenchOptions o = BenchOptions.parse(new String[0], REPO);
        assertEquals(List.of(Transport.values()), o.rows());
        assertEquals(10, o.seconds());
        assertEquals(100, o.pings());
        assertEquals(10, o.idlePings());
        assertEquals(1450, o.mtu());
        assertEquals(REPO.resolve("integration-tests/benchmarks/target/bench-dataplane.md"), o.out());
    }

    @Test
    void onlyKeepsTableOrderAndDurationsParse() {
        BenchOptions o = BenchOptions.parse(new String[] {"--only", "udp,vxlan, tcp", "--seconds", "3", "--warmup", "0",
            "--idle-pings", "0"}, REPO);
        assertEquals(0, o.idlePings());
        assertEquals(List.of(Transport.KERNEL_VXLAN, Transport.AGENT_TCP, Transport.AGENT_VXLAN), o.rows());
        assertEquals(3, o.seconds());
        assertEquals(0, o.warmupSeconds());
    }

    @Test
    void badArgumentsAreRefusedWithTheUsage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.parse(new String[] {"--only", "wireguard-kernel"}, REPO));
        assertTrue(e.getMessage().contains("direct,vxlan,vxlan-wg,tinc,tinc-none,tcp,tls,udp"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--seconds"}, REPO));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--seconds", "0"}, REPO));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--idle-pings", "-1"}, REPO));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(new String[] {"--fast", "1"}, REPO));
    }

    @Test
    void tlsIsComparedWithTincsDefaultCryptoAndTheRestWithNone() {
        assertEquals(Transport.TINC, Transport.AGENT_TLS.tincReference());
        assertEquals(Transport.TINC_PLAIN, Transport.AGENT_TCP.tincReference());
        assertEquals(Transport.TINC_PLAIN, Transport.AGENT_VXLAN.tincReference());
    }
}
