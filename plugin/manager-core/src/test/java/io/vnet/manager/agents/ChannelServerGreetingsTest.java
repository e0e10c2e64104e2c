package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.Endpoint;
import io.vnet.manager.Recorder;
import io.vnet.protocol.messages.Hello;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bound on connections in their greeting, on the real agent channel (loopback, without TLS): the
 * connections beyond it are closed at their accept and counted, a connection that says nothing is closed
 * at its deadline, and an agent that says hello once a place is free is registered.
 */
class ChannelServerGreetingsTest {
    private static final Map<String, String> TOKENS = Map.of("h1", "t0ken-for-h1");

    @Test
    void silentConnectionsTakeAtMostMaxPlacesAndLoseThemAtTheirDeadline() throws Exception {
        AgentSessions sessions = new AgentSessions(Recorder.NONE);
        try (ChannelServer server = server(sessions, new Greetings.Limits(2, 2, 2));
             Socket s1 = dial(server, 1); Socket s2 = dial(server, 2)) {
            awaitInProgress(server, 2);
            assertTrue(refusedAtOnce(server, 3), "a third connection is closed at its accept");
            assertEquals(1, server.greetings().refused(Greetings.Refusal.BUSY));
            assertTrue(closedWithin(s1, 5_000) && closedWithin(s2, 5_000), "silent past their 2 s: closed");
            assertEquals(2, server.greetings().timedOut());
            awaitInProgress(server, 0);
            try (Socket agent = dial(server, 4)) {
                send(agent, hello());
                awaitHost(sessions, "h1");
                awaitInProgress(server, 0); // its hello gave its place back
                Thread.sleep(2_500);
                assertTrue(sessions.host("h1").orElseThrow().connected(), "a registered agent has no deadline");
                assertEquals(2, server.greetings().timedOut());
            }
        }
    }

    @Test
    void oneAddressCannotTakeEveryPlace() throws Exception {
        AgentSessions sessions = new AgentSessions(Recorder.NONE);
        try (ChannelServer server = server(sessions, new Greetings.Limits(10, 1, 30));
             Socket first = dial(server, 7)) {
            awaitInProgress(server, 1);
            assertTrue(refusedAtOnce(server, 7), "a second greeting from the same address is closed at once");
            assertEquals(1, server.greetings().refused(Greetings.Refusal.ADDRESS));
            try (Socket other = dial(server, 8)) {
                send(other, hello());
                awaitHost(sessions, "h1");
            }
        }
    }

    private static ChannelServer server(AgentSessions sessions, Greetings.Limits limits) throws Exception {
        return new ChannelServer(new Endpoint("127.0.0.1", AgentWire.freePort()), sessions, List::of, null, TOKENS, null, limits);
    }

    /** A connection to the server from 127.0.0.{@code last}. */
    private static Socket dial(ChannelServer server, int last) throws Exception {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last}), 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 3_000);
        return s;
    }

    /** Whether a connection from 127.0.0.{@code last} is closed at once (reset while it connects, or after). */
    private static boolean refusedAtOnce(ChannelServer server, int last) throws Exception {
        Socket s;
        try {
            s = dial(server, last);
        } catch (java.net.SocketException e) {
            return true; // the reset came before connect() returned
        }
        try (s) {
            return closedWithin(s, 3_000);
        }
    }

    private static void awaitInProgress(ChannelServer server, int n) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (server.greetings().inProgress() != n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("greetings in progress: " + server.greetings().inProgress() + ", expected " + n);
            }
            Thread.sleep(10);
        }
    }

    private static boolean closedWithin(Socket s, int ms) throws Exception {
        s.setSoTimeout(ms);
        try {
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true; // reset
        }
    }

    private static JsonNode hello() {
        return AgentWire.hello(Hello.PROTOCOL, "0.1.0", "h1", TOKENS.get("h1"));
    }

    private static void send(Socket s, JsonNode msg) throws Exception {
        AgentWire.send(s.getOutputStream(), msg);
    }

    private static void awaitHost(AgentSessions sessions, String id) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (sessions.host(id).isEmpty()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("host " + id + " was not registered within 5 s");
            }
            Thread.sleep(20);
        }
    }
}
