package io.vnet.it.fabric;

import java.util.HashSet;
import java.util.Set;

/** A test host: a namespace on the underlay, with one bridge per tenant network. */
public final class Host {
    private final Fabric fabric;
    private final String name;
    private final String ns;
    private final String ip;
    private final String underlayPort;
    private final Set<Integer> bridges = new HashSet<>();

    Host(Fabric fabric, String name, String ns, String ip, String underlayPort) {
        this.fabric = fabric;
        this.name = name;
        this.ns = ns;
        this.ip = ip;
        this.underlayPort = underlayPort;
    }

    public String name() {
        return name;
    }

    public String ns() {
        return ns;
    }

    /** The host's underlay address. */
    public String ip() {
        return ip;
    }

    /** The underlay switch's port towards this host (in the underlay namespace), for tc. */
    public String underlayPort() {
        return underlayPort;
    }

    public static String bridgeName(int vni) {
        return "br" + vni;
    }

    public static String tapName(int vni) {
        return "vnet" + vni;
    }

    synchronized String ensureBridge(int vni, int mtu) {
        String br = bridgeName(vni);
        if (bridges.add(vni)) {
            Sh.must("ip", "-n", ns, "link", "add", br, "mtu", Integer.toString(mtu), "type", "bridge");
            Sh.must("ip", "-n", ns, "link", "set", br, "up");
        }
        return br;
    }

    Fabric fabric() {
        return fabric;
    }

    @Override
    public String toString() {
        return name + " (" + ns + ", " + ip + ")";
    }
}
