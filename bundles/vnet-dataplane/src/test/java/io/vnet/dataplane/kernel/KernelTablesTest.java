package io.vnet.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vnet.api.MacAddress;
import io.vnet.dataplane.sys.Command;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelTablesTest {
    private static final KernelDevice TREE = new KernelDevice(KernelDevice.nameOf(4801, 100), "tree", 100, "br100",
            "10.250.0.3", 4801, 1450, true);
    private static final KernelDevice FAST = new KernelDevice(KernelDevice.nameOf(4803, 100), "fast", 100, "br100",
            "10.250.0.2", 4803, 1450, false);
    private static final long V1 = MacAddress.parse("02:00:00:00:64:01").bits();
    private static final long V2 = MacAddress.parse("02:00:00:00:64:02").bits();
    private static final long V3 = MacAddress.parse("02:00:00:00:64:03").bits();

    @Test
    void namesFitTheKernelAndAreTheSameForTheSamePortAndNetwork() {
        assertEquals("vk1ekf-9zldr", KernelDevice.nameOf(65_535, 0xFFFFFF));
        assertEquals(KernelDevice.nameOf(4801, 100), KernelDevice.nameOf(4801, 100));
        assertTrue(KernelDevice.nameOf(65_535, 0xFFFFFF).length() <= KernelDevice.MAX_NAME);
        assertThrows(IllegalArgumentException.class, () -> new KernelDevice("vk1", "l", 1 << 24, "br", "10.0.0.1", 4789,
                1450, false));
        assertThrows(IllegalArgumentException.class, () -> new KernelDevice("vk1", "l", 1, "br", "10.0.0.1", 0, 1450,
                false));
    }

    @Test
    void theBridgeTableKeepsTheForwardersSemantics() {
        String s = KernelTables.bridge(List.of(TREE, FAST), List.of("vnet100"), new KernelTables.Owners(
                Map.of(100, new long[] {V1}), Map.of(100, new long[] {V2}), Map.of(100, new long[] {V3})));
        // a link never brings a VM registered here or an address held on a VM's port, before the bridge learns it
        assertTrue(s.contains("add rule bridge vnet_kernel arrive iifname \"" + FAST.name()
                + "\" ether saddr @here_100 counter name \"sp_" + FAST.name() + "\" drop"), s);
        // where VMs are registered, they are what is held (anything else on a VM's port was forged)
        assertTrue(s.contains("add element bridge vnet_kernel here_100 { 02:00:00:00:64:01 }"), s);
        String unregistered = KernelTables.bridge(List.of(TREE), List.of("vnet100"), new KernelTables.Owners(Map.of(),
                Map.of(), Map.of(100, new long[] {V3})));
        assertTrue(unregistered.contains("add element bridge vnet_kernel here_100 { 02:00:00:00:64:03 }"), unregistered);
        // a local port sends into a link only from a registered VM's address, never from one registered elsewhere
        assertTrue(s.contains("between iifname != @links iifname != @taps oifname \"" + TREE.name()
                + "\" ether saddr != @own_100"), s);
        assertTrue(s.contains("between iifname != @links iifname != @taps oifname \"" + TREE.name()
                + "\" ether saddr @else_100 counter name \"spoofed\" drop"), s);
        // split horizon: a fast path's frames stay here; nothing of the kernel's reaches the agent
        assertTrue(s.contains("between iifname @fast oifname @links counter name \"split\" drop"), s);
        assertTrue(s.contains("between iifname @links oifname @taps counter name \"to-agent\" drop"), s);
        assertTrue(s.contains("add element bridge vnet_kernel fast { \"" + FAST.name() + "\" }"), s);
        assertTrue(s.contains("add element bridge vnet_kernel own_100 { 02:00:00:00:64:01 }"), s);
    }

    @Test
    void withoutRegisteredVmsThereIsNoPortSecurityTowardsTheLinks() {
        String s = KernelTables.bridge(List.of(TREE), List.of("vnet100"), KernelTables.Owners.NONE);
        assertTrue(!s.contains("forged\" drop"), s);
    }

    @Test
    void eachLinksPortTakesItsPeerOnly() {
        String s = KernelTables.inet(List.of(TREE, FAST));
        assertTrue(s.contains("check udp dport 4801 ip saddr != 10.250.0.3 counter name \"unidentified\" drop"), s);
        assertTrue(s.contains("check udp dport 4803 ip saddr != 10.250.0.2 counter name \"unidentified\" drop"), s);
        // a network the link does not carry: by the VNI in the VXLAN header, counted per link
        assertTrue(s.contains("check udp dport 4801 @th,96,24 != { 100 } counter name \"nc_4801\" drop"), s);
    }

    @Test
    void aNetworkLearnsAtMostItsCapFromTheKernelsDevices() {
        String s = KernelTables.bridge(List.of(TREE, FAST), List.of("vnet100"), KernelTables.Owners.NONE, 512);
        assertTrue(s.contains("add set bridge vnet_kernel learn_100 { type ether_addr; size 512; flags dynamic,timeout;"
                + " timeout 300s; }"), s);
        assertTrue(!s.contains("flush set bridge vnet_kernel learn_100"), "the learned set keeps its addresses: " + s);
        String from = "iifname { \"" + TREE.name() + "\", \"" + FAST.name() + "\" } ether saddr != @else_100";
        assertTrue(s.contains("arrive " + from + " update @learn_100 { ether saddr }"), s);
        assertTrue(s.contains("arrive " + from + " ether saddr != @learn_100 counter name \"learn-cap\" drop"), s);
        // the cap comes after the spoofing check, before the announcements are copied to the agent
        assertTrue(s.indexOf("counter name \"sp_") < s.indexOf("learn-cap\" drop"), s);
        assertTrue(s.indexOf("learn-cap\" drop") < s.indexOf("log group"), s);
        assertThrows(IllegalArgumentException.class, () -> KernelTables.bridge(List.of(TREE), List.of(),
                KernelTables.Owners.NONE, 0));
        assertTrue(KernelDevice.isOurs(KernelDevice.nameOf(65_535, 0xFFFFFF)));
        assertTrue(KernelDevice.isOurs(KernelDevice.nameOf(4801, 100)));
        assertTrue(!KernelDevice.isOurs("vkx") && !KernelDevice.isOurs("vxlan100") && !KernelDevice.isOurs("vk1-2-3"));
    }

    /** nftables itself parses the scripts (check mode: nothing changes in the kernel). */
    @Test
    void nftablesTakesTheScripts() throws Exception {
        String script = KernelTables.bridge(List.of(TREE, FAST), List.of("vnet100"), new KernelTables.Owners(
                Map.of(100, new long[] {V1}), Map.of(100, new long[] {V2}), Map.of(100, new long[] {V3})), 1000)
                + KernelTables.inet(List.of(TREE, FAST));
        Command r = Command.run(script, "nft", "-c", "-f", "-");
        assertEquals(0, r.exit(), r.out() + "\n" + script);
    }
}
