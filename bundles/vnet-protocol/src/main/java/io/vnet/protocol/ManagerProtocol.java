package io.vnet.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.io.IOException;
import java.util.List;

/**
 * The channel between agents and the manager: a TCP stream of JSON messages, each prefixed by
 * its length (u32, big-endian). A message is an object with a {@code type}; each type is a record
 * of {@link io.vnet.protocol.messages} that writes and reads it (the list below is checked
 * against them by a test):
 * <ul>
 * <li>agent → manager {@value #HELLO} ({@link io.vnet.protocol.messages.Hello}), first on a
 * connection: {@code protocol} (the version of this protocol it speaks, {@value
 * io.vnet.protocol.messages.Hello#PROTOCOL} now; absent: an agent from before versions), {@code
 * software} (its version), {@code hostId, role} (host or proxy), {@code linkAddress} (where its
 * links listen), {@code generation} (of the desired state it applies now), {@code kernelPath:
 * true} where its VXLAN links take the kernel path (the manager may then render its fast paths as
 * VXLAN links, each on a UDP port of its own), without TLS {@code insecure: true} and its
 * enrolment {@code token}, and its inventory: {@code networks[], macs[{vni,mac}], macsOmitted,
 * vms[]} (as in {@value #VMS}); {@code macs[]} lists at most {@value #MAX_MACS_PER_NETWORK}
 * addresses per network and {@value #MAX_MACS} in all, {@code macsOmitted} says how many more
 * there were;</li>
 * <li>manager → agent {@value #STATE} ({@link io.vnet.protocol.messages.StateMessage}): {@code
 * generation, links[], rules[]}: the whole managed part of the agent's state; the agent
 * reconciles to it (each valid entry; the others are errors) and answers {@value #ACK};
 * applying the same generation twice changes nothing;</li>
 * <li>agent → manager {@value #ACK} ({@link io.vnet.protocol.messages.Ack}): {@code hostId,
 * generation, ok, errors[]};</li>
 * <li>agent → manager {@value #REPORT} ({@link io.vnet.protocol.messages.Report}) every interval:
 * {@code hostId, seq, intervalMs, pairs[{vni,src,dst,frames,bytes,sameHost}]} (counts during the
 * interval; at most {@value #MAX_REPORT_PAIRS}, the largest by bytes), {@code
 * rest[{vni,pairs,frames,bytes}]} (per network, the traffic of the interval not named in {@code
 * pairs}: the smaller pairs, how many in {@code pairs}, and the frames the agent's bounded
 * counters could count for no pair), {@code refusedPairs} (an estimate of the pairs those
 * counters refused in the interval), the inventory ({@code networks[], macs[], macsOmitted,
 * vms[]}, bounded as in hello; carried when it changed since the last report that carried it on the
 * connection, in the report after that, and at least every 30 s, else absent) and {@code links[{id, peer, transport, up, rttMicros,
 * minRttMicros, outBitsPerSecond, inBitsPerSecond, vnis}]} (each link as measured);</li>
 * <li>agent → manager {@value #VMS} ({@link io.vnet.protocol.messages.VmsUpdate}) at once when the
 * host's networks or the VMs libvirt runs on it change: {@code hostId, networks[], macs[],
 * macsOmitted, vms[{uuid, name, source, nics[{vni, mac, tap, bridge}]}]} (also carried by hello
 * and by a report at least every 30 s, so a lost message is repaired);</li>
 * <li>manager → agent {@value #OWNERS} ({@link OwnersMessage}) after hello and whenever it
 * changes: {@code networks[{vni, owners[{mac, host}]}], omitted}: for every network the agent
 * carries, which host each registered VM's address is on (at most {@value
 * #MAX_OWNERS_PER_NETWORK} per network and {@value #MAX_OWNERS} in all; {@code omitted} counts
 * the rest); it replaces the earlier one;</li>
 * <li>manager → agent {@value #REVOKED} ({@link io.vnet.protocol.messages.Revoked}) after the
 * hello and whenever the manager's deny list changes: {@code fingerprints[]}, the SHA-256
 * fingerprints of the revoked certificates (at most {@link Revocations#MAX_ENTRIES}); the
 * agent's links refuse and close them besides its own file's ({@link Revocations#push});</li>
 * <li>manager → agent {@value #REFUSED} ({@link io.vnet.protocol.messages.Refused}) when it refuses a
 * hello (an incompatible {@code protocol}, a certificate or token that does not fit), just before it
 * closes the connection: {@code reason}, for the agent's log and status;</li>
 * <li>agent → manager {@value #ENROL} ({@link io.vnet.protocol.messages.Enrol}), the one message of a
 * connection that presented no client certificate: a new host spends its one-time enrolment token
 * ({@link EnrolmentToken}): {@code hostId, tokenId, secret, publicKey, proof};</li>
 * <li>manager → agent {@value #ENROLLED} ({@link io.vnet.protocol.messages.Enrolled}), the answer to an
 * enrol it took: {@code hostId, role, certificate, ca} (PEM); or {@value #REFUSED} with the reason;</li>
 * <li>manager → agent {@value #MEMBERS} ({@link io.vnet.protocol.messages.Members}) after hello and whenever
 * they change: {@code links[]}, the host's membership links (on the flooding trees of networks its
 * configuration links nowhere), all of them; apart from the desired state.</li>
 * </ul>
 * A reader refuses what its receiver cannot act on (a bad network or address: the connection is
 * closed) and skips and counts list entries it can do without. TLS slots in as the first handler
 * of the pipeline; nothing else changes.
 */
public final class ManagerProtocol {
    public static final String HELLO = "hello";
    public static final String STATE = "state";
    public static final String ACK = "ack";
    public static final String REPORT = "report";
    public static final String VMS = "vms";
    public static final String OWNERS = "owners";
    /** The most owned addresses an {@value #OWNERS} message lists for one network. */
    public static final int MAX_OWNERS_PER_NETWORK = 16_384;
    /** The most owned addresses an {@value #OWNERS} message lists in all (well inside {@link #MAX_MESSAGE}). */
    public static final int MAX_OWNERS = 131_072;
    public static final String REVOKED = "revoked";
    public static final String REFUSED = "refused";
    public static final String ENROL = "enrol";
    public static final String ENROLLED = "enrolled";
    public static final String MEMBERS = "members";
    public static final int MAX_MESSAGE = 16 << 20;
    /** The most pairs a report names; the rest of the interval's traffic is in its {@code rest[]}. */
    public static final int MAX_REPORT_PAIRS = 4_096;
    /** The most VM addresses a hello, report or vms message lists for one network. */
    public static final int MAX_MACS_PER_NETWORK = 4_096;
    /** The most VM addresses a hello, report or vms message lists in all. */
    public static final int MAX_MACS = 16_384;
    public static final int DEFAULT_PORT = 5900;

    private ManagerProtocol() {
    }

    /** Adds the framing and JSON codec to a channel's pipeline. */
    public static void addCodec(ChannelPipeline p) {
        addCodec(p, null, null);
    }

    /**
     * The same, with {@code between} (if not null) added after the framing on the channel's event loop as
     * "backlog", and the JSON decoding on {@code parsers} (null: the event loop).
     */
    public static void addCodec(ChannelPipeline p, io.netty.channel.ChannelHandler between,
                                io.netty.util.concurrent.EventExecutorGroup parsers) {
        p.addLast("frame-decoder", new LengthFieldBasedFrameDecoder(MAX_MESSAGE, 0, 4, 0, 4));
        p.addLast("frame-encoder", new LengthFieldPrepender(4));
        if (between != null) {
            p.addLast("backlog", between);
        }
        p.addLast(parsers, "json-decoder", new JsonDecoder());
        p.addLast("json-encoder", new JsonEncoder());
    }

    /**
     * Moves the JSON decoding of a pipeline made by {@link #addCodec} onto {@code parsers}, in its place: the
     * messages read after this call are decoded there, in order.
     */
    public static void decodeOn(ChannelPipeline p, io.netty.util.concurrent.EventExecutorGroup parsers) {
        String before = p.get("backlog") != null ? "backlog" : "frame-encoder";
        p.remove("json-decoder");
        p.addAfter(parsers, before, "json-decoder", new JsonDecoder());
    }

    static final class JsonDecoder extends MessageToMessageDecoder<ByteBuf> {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) throws IOException {
            try (ByteBufInputStream in = new ByteBufInputStream(msg)) {
                JsonNode n = Json.MAPPER.readTree((java.io.InputStream) in);
                if (n == null || !n.isObject() || !n.path("type").isTextual()) {
                    throw new IOException("message is not a JSON object with a type");
                }
                out.add(n);
            }
        }
    }

    static final class JsonEncoder extends MessageToMessageEncoder<JsonNode> {
        @Override
        protected void encode(ChannelHandlerContext ctx, JsonNode msg, List<Object> out) throws IOException {
            ByteBuf buf = ctx.alloc().buffer();
            try (ByteBufOutputStream os = new ByteBufOutputStream(buf)) {
                Json.MAPPER.writeValue((java.io.OutputStream) os, msg);
            }
            out.add(buf);
        }
    }
}
