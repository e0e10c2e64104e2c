package io.vnet.dataplane.tap;

import io.vnet.dataplane.sys.Command;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Plugs TAP devices into bridges with iproute2's {@code ip}, in the daemon's own namespace. */
public final class IpCommand {
    private IpCommand() {
    }

    /** Creates bridge {@code bridge} if absent and sets it up. */
    public static void ensureBridge(String bridge, int mtu) throws IOException {
        if (run(false, "ip", "link", "show", "dev", bridge) != 0) {
            run(true, "ip", "link", "add", "name", bridge, "mtu", Integer.toString(mtu), "type", "bridge");
        }
        run(true, "ip", "link", "set", "dev", bridge, "up");
    }

    /** Sets the TAP's MTU, plugs it into {@code bridge} (if not null) and brings it up. */
    public static void plug(String tap, String bridge, int mtu) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "link", "set", "dev", tap, "mtu", Integer.toString(mtu)));
        if (bridge != null) {
            cmd.addAll(List.of("master", bridge));
        }
        cmd.add("up");
        run(true, cmd.toArray(new String[0]));
    }

    public static boolean exists(String dev) {
        try {
            return run(false, "ip", "link", "show", "dev", dev) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static int run(boolean mustSucceed, String... cmd) throws IOException {
        return (mustSucceed ? Command.must(null, cmd) : Command.run(null, cmd)).exit();
    }
}
