package io.vnet.it.bench;

import io.vnet.it.fabric.Sh;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A short summary of a device's offloads as {@code ethtool -k} reports them. */
public final class Offloads {
    /** ethtool's feature name, and how the summary calls it. */
    private static final Map<String, String> FEATURES = new LinkedHashMap<>();

    static {
        FEATURES.put("tx-checksumming", "tx-csum");
        FEATURES.put("scatter-gather", "sg");
        // the TCPv4 sub-feature: on newer kernels the group line "tcp-segmentation-offload" stays on
        // when only an unrelated sub-feature (accecn) is left on
        FEATURES.put("tx-tcp-segmentation", "tso");
        FEATURES.put("generic-segmentation-offload", "gso");
        FEATURES.put("generic-receive-offload", "gro");
    }

    private Offloads() {
    }

    /** E.g. {@code VM eth0: tx-csum on, sg on, tso on, gso on, gro off}. */
    public static String summary(Testbed.Device d) {
        Sh.Result r = Sh.run("ip", "netns", "exec", d.ns(), "ethtool", "-k", d.name());
        if (!r.ok()) {
            throw new IllegalStateException("ethtool -k " + d.name() + " in " + d.ns() + " failed: " + r.out());
        }
        return d.role() + " " + d.name() + ": " + String.join(", ", parse(r.out()));
    }

    public static List<String> parse(String ethtoolOutput) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> f : FEATURES.entrySet()) {
            String state = "?";
            for (String line : ethtoolOutput.split("\n")) {
                String l = line.trim();
                if (l.startsWith(f.getKey() + ":")) {
                    state = l.substring(f.getKey().length() + 1).trim().split("\\s+")[0];
                    break;
                }
            }
            out.add(f.getValue() + " " + state);
        }
        return out;
    }
}
