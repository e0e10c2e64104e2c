package io.vnet.it.fabric;

import java.util.List;

/**
 * A raw TCP client of an agent's link port (5800), for tests about hostile peers: bash's
 * /dev/tcp in the sender's namespace writes each chunk (printf escapes such as {@code \x00})
 * 0.3 s apart, then closes. Plain TCP only: the agent must run without TLS.
 */
public final class RawLinkClient {
    private RawLinkClient() {
    }

    /** Sends {@code chunks} from {@code from}'s namespace to {@code to}'s link port; fails the test if it cannot connect. */
    public static void send(Host from, Host to, String... chunks) {
        StringBuilder script = new StringBuilder("exec 3<>/dev/tcp/" + to.ip() + "/" + AgentConfigBuilder.LINK_PORT
                + " || exit 9; ");
        for (String c : chunks) {
            script.append("printf '").append(c).append("' >&3 2>/dev/null; sleep 0.3; ");
        }
        script.append("sleep 0.5; exec 3>&-; exit 0");
        Sh.Result r = Sh.run(30, List.of("ip", "netns", "exec", from.ns(), "bash", "-c", script.toString()));
        if (r.exit() != 0) {
            throw new AssertionError("raw client from " + from.name() + " to " + to.name() + ": " + r.out());
        }
    }
}
