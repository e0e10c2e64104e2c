package io.vnet.it.fabric;

import java.util.List;

/**
 * A raw TCP client of an agent's link port (5800), for tests about hostile peers: bash's
 * /dev/tcp in the sender's namespace writes each chunk (printf escapes such as {@code \x00})
 * 0.3 s apart, then closes: over plain TCP ({@link #send}, the agent must run without TLS) or
 * mutual TLS ({@link #sendOverTls}).
 */
public final class RawLinkClient {
    private RawLinkClient() {
    }

    /** Sends {@code chunks} from {@code from}'s namespace to {@code to}'s link port; fails the test if it cannot connect. */
    public static void send(Host from, Host to, String... chunks) {
        // bash writes its stdout line by line, so a chunk with a newline is more than one write; the
        // agent closes on garbage, and a write after that must not kill the client with SIGPIPE (CI
        // runs 4 and 5 failed so: exit 141). The agent's counters, not the client, say what it read.
        StringBuilder script = new StringBuilder("trap '' PIPE; exec 3<>/dev/tcp/" + to.ip() + "/"
                + AgentConfigBuilder.LINK_PORT + " || exit 9; ");
        for (String c : chunks) {
            script.append("printf '").append(c).append("' >&3 2>/dev/null; sleep 0.3; ");
        }
        script.append("sleep 0.5; exec 3>&-; exit 0");
        Sh.Result r = Sh.run(30, List.of("ip", "netns", "exec", from.ns(), "bash", "-c", script.toString()));
        if (r.exit() != 0) {
            // 9: the connection failed
            throw new AssertionError("raw client from " + from.name() + " to " + to.name() + ": exit " + r.exit() + ", "
                    + r.out());
        }
    }

    /**
     * As {@link #send}, over mutual TLS with the certificate {@code certs/NAME.pem} (and its key)
     * of the CA {@code certs/ca.pem}: openssl s_client in {@code from}'s namespace, fed by bash
     * writing each chunk {@code gapSeconds} apart; returns what s_client printed.
     */
    public static String sendOverTls(Host from, Host to, java.nio.file.Path certs, String name, double gapSeconds,
                                     String... chunks) {
        StringBuilder feed = new StringBuilder("sleep 1; ");
        for (String c : chunks) {
            feed.append("printf '").append(c).append("'; sleep ").append(gapSeconds).append("; ");
        }
        feed.append("sleep 1");
        String client = "openssl s_client -quiet -no_ign_eof -connect " + to.ip() + ":" + AgentConfigBuilder.LINK_PORT
                + " -cert " + certs.resolve(name + ".pem") + " -key " + certs.resolve(name + ".key") + " -CAfile "
                + certs.resolve("ca.pem") + " >/dev/null";
        Sh.Result r = Sh.run(120, List.of("ip", "netns", "exec", from.ns(), "bash", "-c",
                "(" + feed + ") | " + client + "; echo exit=$?"));
        if (!r.out().contains("exit=")) {
            throw new AssertionError("TLS client from " + from.name() + " to " + to.name() + ": " + r.out());
        }
        return r.out();
    }
}
