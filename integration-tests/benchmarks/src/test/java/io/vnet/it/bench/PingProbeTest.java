package io.vnet.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PingProbeTest {
    @Test
    void theMedianComesFromTheRepliesTimes() {
        String out = """
                PING 10.200.100.2 (10.200.100.2) 56(84) bytes of data.
                64 bytes from 10.200.100.2: icmp_seq=1 ttl=64 time=0.300 ms
                64 bytes from 10.200.100.2: icmp_seq=2 ttl=64 time=9.10 ms
                64 bytes from 10.200.100.2: icmp_seq=3 ttl=64 time=0.100 ms
                64 bytes from 10.200.100.2: icmp_seq=4 ttl=64 time=0.200 ms

                --- 10.200.100.2 ping statistics ---
                4 packets transmitted, 4 received, 0% packet loss, time 31ms
                rtt min/avg/max/mdev = 0.100/2.425/9.100/3.857 ms
                """;
        assertEquals(0.25, PingProbe.median(out), 1e-9);
        assertTrue(Double.isNaN(PingProbe.median("4 packets transmitted, 0 received")));
    }
}
