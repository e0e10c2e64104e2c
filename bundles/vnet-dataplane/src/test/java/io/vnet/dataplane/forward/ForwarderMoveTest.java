package io.vnet.dataplane.forward;

import static io.vnet.dataplane.forward.EthFrames.BCAST;
import static io.vnet.dataplane.forward.EthFrames.frame;
import static io.vnet.dataplane.forward.EthFrames.mac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vnet.api.ForwardingRule;
import io.vnet.api.MacAddress;
import io.vnet.api.MacMatch;
import io.vnet.api.NetworkId;
import io.vnet.api.RuleTarget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A VM that moved announces itself (gratuitous ARP, RARP); that overrides the rules for it until they change. */
class ForwarderMoveTest {
    private static final int VNI = 100;
    private static final long X = mac("02:00:00:00:00:01");
    private static final long S = mac("02:00:00:00:00:0a");
    private static final long OTHER = mac("02:00:00:00:00:0b");
    private static final int X_IP = 0x0ac86401; // 10.200.100.1
    private static final int S_IP = 0x0ac8640a;

    private Forwarder fw;
    private RecordingPort tap;
    private RecordingPort a;
    private RecordingPort b;
    private RecordingPort c;
    private List<RecordingPort> all;

    @BeforeEach
    void setUp() {
        fw = new Forwarder();
        tap = RecordingPort.tap("tap0");
        a = RecordingPort.link("a", true);
        b = RecordingPort.link("b", true);
        c = RecordingPort.link("c", false);
        fw.addInterface(VNI, tap);
        for (RecordingPort p : List.of(a, b, c)) {
            fw.addLink(p);
        }
        all = List.of(tap, a, b, c);
    }

    @AfterEach
    void releaseEverything() {
        all.forEach(RecordingPort::releaseAll);
    }

    private static ForwardingRule rule(String src, String dst, String to) {
        return new ForwardingRule(NetworkId.of(VNI), MacMatch.parse(src), MacMatch.parse(dst), RuleTarget.parse(to));
    }

    private static ForwardingRule.Key key(String src, String dst) {
        return new ForwardingRule.Key(NetworkId.of(VNI), MacMatch.parse(src), MacMatch.parse(dst));
    }

    private static String text(long mac) {
        return MacAddress.format(mac);
    }

    /** An Ethernet/IPv4 ARP (ethertype 0x0806) or RARP (0x8035) frame. */
    static ByteBuf arp(int etherType, long ethDst, long ethSrc, int op, long sha, int spa, long tha, int tpa) {
        ByteBuf f = Unpooled.buffer(60);
        f.writeShort((int) (ethDst >>> 32)).writeInt((int) ethDst);
        f.writeShort((int) (ethSrc >>> 32)).writeInt((int) ethSrc);
        f.writeShort(etherType);
        f.writeShort(1).writeShort(0x0800).writeByte(6).writeByte(4).writeShort(op);
        f.writeShort((int) (sha >>> 32)).writeInt((int) sha).writeInt(spa);
        f.writeShort((int) (tha >>> 32)).writeInt((int) tha).writeInt(tpa);
        f.writeZero(60 - f.writerIndex());
        return f;
    }

    /** A gratuitous ARP request from {@code mac}, as arping -U sends it. */
    static ByteBuf garp(long mac, int ip) {
        return arp(Frames.ETH_P_ARP, BCAST, mac, 1, mac, ip, 0, ip);
    }

    /** QEMU's announcement after a migration: a RARP request reverse from {@code mac}. */
    static ByteBuf rarp(long mac) {
        return arp(Frames.ETH_P_RARP, BCAST, mac, 3, mac, 0, mac, 0);
    }

    /** Sends one frame in on {@code in} and returns the only port that got it. */
    private RecordingPort deliver(RecordingPort in, long dst, long src) {
        all.forEach(RecordingPort::releaseAll);
        fw.forward(in, VNI, frame(dst, src));
        List<RecordingPort> got = new ArrayList<>();
        for (RecordingPort p : all) {
            for (int i = 0; i < p.count(); i++) {
                got.add(p);
            }
        }
        assertEquals(1, got.size(), "frame to " + text(dst) + " went to " + got);
        return got.get(0);
    }

    private void announce(RecordingPort in, ByteBuf frame) {
        fw.forward(in, VNI, frame);
        all.forEach(RecordingPort::releaseAll);
    }

    @Test
    void aGratuitousArpOverridesTheDstRuleThatPointsAtTheOldHost() {
        fw.addRule(rule("any", text(X), "link:a"));
        assertSame(a, deliver(tap, X, S));
        all.forEach(RecordingPort::releaseAll);

        fw.forward(b, VNI, garp(X, X_IP));
        // the announcement itself is flooded as usual, to every flooding port but where it came from
        assertEquals(1, tap.count());
        assertEquals(1, a.count());
        assertEquals(0, b.count());

        assertSame(b, deliver(tap, X, S), "frames for X follow it to b, against the rule");
        assertSame(b, deliver(a, X, OTHER), "from any source");
        assertEquals(1, fw.macMoves());
        assertEquals(List.of("vni 100 " + text(X) + " => link:b (moved: overrides 1 rule(s))"), fw.overrides());
        assertTrue(fw.learned().contains(fw.overrides().get(0)), fw.learned().toString());
        assertEquals(1, fw.rules().size(), "the rule itself is unchanged");

        // repeated announcements from the same place change nothing
        announce(b, garp(X, X_IP));
        assertEquals(1, fw.macMoves());
    }

    @Test
    void aGratuitousArpOnTheLocalInterfaceOverridesARuleTowardsALink() {
        fw.addRule(rule("any", text(X), "link:a"));
        announce(tap, garp(X, X_IP)); // the VM arrived on this host
        assertSame(tap, deliver(b, X, S));
        assertEquals(List.of("vni 100 " + text(X) + " => interface:tap0 (moved: overrides 1 rule(s))"), fw.overrides());
    }

    @Test
    void anArpReplyWithSenderIpEqualToTargetIpCountsToo() {
        fw.addRule(rule("any", text(X), "link:a"));
        announce(b, arp(Frames.ETH_P_ARP, BCAST, X, 2, X, X_IP, BCAST, X_IP)); // arping -A
        assertSame(b, deliver(tap, X, S));
    }

    @Test
    void pairRulesForTheMacAreOverriddenToo() {
        fw.addRule(rule(text(S), text(X), "link:a"));
        fw.addRule(rule("any", text(X), "link:c"));
        assertSame(a, deliver(tap, X, S));
        assertSame(c, deliver(tap, X, OTHER));

        announce(b, garp(X, X_IP));
        assertSame(b, deliver(tap, X, S), "the pair rule yields");
        assertSame(b, deliver(tap, X, OTHER), "the dst rule yields");
        assertEquals(List.of("vni 100 " + text(X) + " => link:b (moved: overrides 2 rule(s))"), fw.overrides());
    }

    @Test
    void onlyRulesWhoseDestinationIsExactlyTheMacYield() {
        fw.addRule(rule(text(S), "any", "link:c"));
        fw.addRule(rule(text(OTHER), text(X), "link:a"));
        announce(b, garp(X, X_IP));
        assertEquals(1, fw.macMoves());
        assertSame(b, deliver(tap, X, OTHER), "the exact rule yields");
        assertSame(c, deliver(tap, X, S), "a rule for any destination does not: it never named X");
    }

    @Test
    void ordinaryArpAndOrdinaryFramesNeverOverrideARule() {
        fw.addRule(rule("any", text(X), "link:a"));
        // an ARP request for another address (who has S? tell X)
        announce(b, arp(Frames.ETH_P_ARP, BCAST, X, 1, X, X_IP, 0, S_IP));
        // an ARP reply to S
        announce(b, arp(Frames.ETH_P_ARP, S, X, 2, X, X_IP, S, S_IP));
        // an ARP probe (sender IP 0.0.0.0)
        announce(b, arp(Frames.ETH_P_ARP, BCAST, X, 1, X, 0, 0, 0));
        // a "gratuitous" ARP whose sender hardware address is not the Ethernet source
        announce(b, arp(Frames.ETH_P_ARP, BCAST, X, 1, OTHER, X_IP, 0, X_IP));
        // a RARP reply (from a RARP server), and a RARP request for someone else
        announce(b, arp(Frames.ETH_P_RARP, BCAST, X, 4, X, X_IP, X, X_IP));
        announce(b, arp(Frames.ETH_P_RARP, BCAST, X, 3, OTHER, 0, OTHER, 0));
        // ordinary traffic from X on b: learned there, but the rule wins
        announce(b, frame(S, X));
        assertSame(a, deliver(tap, X, S));
        assertEquals(0, fw.macMoves());
        assertEquals(List.of(), fw.overrides());
    }

    @Test
    void anAnnouncementWhereTheRulesAlreadySendTheMacOverridesNothing() {
        fw.addRule(rule("any", text(X), "link:b"));
        announce(b, garp(X, X_IP));
        announce(tap, garp(S, S_IP)); // no rule for S at all
        assertEquals(0, fw.macMoves());
        assertEquals(List.of(), fw.overrides());
    }

    @Test
    void theOverrideEndsWhenARuleForTheMacIsAdded() {
        fw.addRule(rule("any", text(X), "link:a"));
        fw.addRule(rule("any", text(S), "link:a"));
        announce(b, garp(X, X_IP));
        assertSame(b, deliver(tap, X, S));

        fw.addRule(rule("any", text(S), "link:c")); // a rule for another MAC changes nothing
        fw.addRule(rule("any", text(X), "link:a")); // nor does adding the same rule again
        assertSame(b, deliver(tap, X, S));

        fw.addRule(rule("any", text(X), "link:c")); // the manager rewrote the rule for X
        assertEquals(List.of(), fw.overrides());
        assertSame(c, deliver(tap, X, S));
        assertEquals(1, fw.macMoves(), "the counter counts moves seen, not overrides in force");
    }

    @Test
    void theOverrideEndsWhenARulePairForTheMacIsAdded() {
        fw.addRule(rule("any", text(X), "link:a"));
        announce(b, garp(X, X_IP));
        fw.addRule(rule(text(S), text(X), "link:c"));
        assertEquals(List.of(), fw.overrides());
        assertSame(c, deliver(tap, X, S));
        assertSame(a, deliver(tap, X, OTHER));
    }

    @Test
    void theOverrideEndsWhenARuleForTheMacIsRemoved() {
        fw.addRule(rule("any", text(X), "link:a"));
        fw.addRule(rule(text(S), text(X), "link:a"));
        announce(b, garp(X, X_IP));
        assertSame(b, deliver(tap, X, OTHER));

        assertTrue(fw.removeRule(key(text(S), text(X))));
        assertEquals(List.of(), fw.overrides());
        assertSame(a, deliver(tap, X, OTHER), "the remaining rule is obeyed again");
    }

    @Test
    void theOverrideEndsWhenItsPortIsRemoved() {
        fw.addRule(rule("any", text(X), "link:a"));
        announce(b, garp(X, X_IP));
        assertSame(b, deliver(tap, X, S));

        fw.removePort("link:b");
        assertEquals(List.of(), fw.overrides());
        assertSame(a, deliver(tap, X, S));
    }

    @Test
    void theOverrideEndsWhenThePortOfTheRulesIsRemovedWithThem() {
        fw.addRule(rule("any", text(X), "link:a"));
        announce(b, garp(X, X_IP));
        fw.removePort("link:a");
        assertEquals(List.of(), fw.overrides(), "the rules for X changed");
        assertSame(b, deliver(tap, X, S), "learned from the announcement");
    }

    @Test
    void aRarpOverridesLikeAGratuitousArp() {
        fw.addRule(rule("any", text(X), "link:a"));
        fw.forward(c, VNI, rarp(X));
        assertEquals(1, tap.count(), "a RARP arriving over a fast path is delivered locally only");
        assertEquals(0, a.count() + b.count());
        all.forEach(RecordingPort::releaseAll);
        assertSame(c, deliver(tap, X, S));
        assertEquals(1, fw.macMoves());
    }

    @Test
    void aVmThatMovesOnOrBackMovesTheOverride() {
        fw.addRule(rule("any", text(X), "link:a"));
        announce(b, garp(X, X_IP));
        announce(c, rarp(X));
        assertSame(c, deliver(tap, X, S));
        assertEquals(2, fw.macMoves());

        announce(a, garp(X, X_IP)); // back where the rule sends it
        assertEquals(List.of(), fw.overrides());
        assertSame(a, deliver(tap, X, S));
    }

    @Test
    void anOverrideTowardsALinkThatIsDownYieldsToTheRule() {
        fw.addRule(rule("any", text(X), "link:a"));
        announce(b, garp(X, X_IP));
        b.up = false;
        assertSame(a, deliver(tap, X, S));
        b.up = true;
        assertSame(b, deliver(tap, X, S));
    }

    @Test
    void aTaggedGratuitousArpIsRecognised() {
        fw.addRule(rule("any", text(X), "link:a"));
        ByteBuf plain = garp(X, X_IP);
        ByteBuf tagged = Unpooled.buffer(64);
        tagged.writeBytes(plain, 0, 12).writeShort(Frames.ETH_P_VLAN).writeShort(7).writeBytes(plain, 12, 48);
        plain.release();
        announce(b, tagged);
        assertSame(b, deliver(tap, X, S));
    }

    @Test
    void shortArpFramesAreForwardedWithoutAnOverride() {
        fw.addRule(rule("any", text(X), "link:a"));
        ByteBuf whole = garp(X, X_IP);
        ByteBuf cut = Unpooled.buffer(30).writeBytes(whole, 0, 30);
        whole.release();
        announce(b, cut);
        assertEquals(0, fw.macMoves());
    }
}
