package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingRuleTest {
    private static final NetworkId NET = NetworkId.of(100);
    private static final MacMatch A = MacMatch.parse("02:00:00:00:00:0a");
    private static final MacMatch B = MacMatch.parse("02:00:00:00:00:0b");
    private static final RuleTarget TO = RuleTarget.link("to-c");

    private static ForwardingRule rule(MacMatch src, MacMatch dst) {
        return new ForwardingRule(NET, src, dst, TO);
    }

    @Test
    void rejectsBroadcastSource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rule(MacMatch.BROADCAST, MacMatch.ANY));
        assertTrue(e.getMessage().contains("'broadcast'"), e.getMessage());
    }

    @Test
    void rejectsGroupSourceAddressNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rule(MacMatch.parse("01:00:5e:00:00:01"), MacMatch.ANY));
        assertTrue(e.getMessage().contains("'01:00:5e:00:00:01'"), e.getMessage());
    }

    @Test
    void rejectsMissingParts() {
        assertThrows(IllegalArgumentException.class, () -> new ForwardingRule(null, A, B, TO));
        assertThrows(IllegalArgumentException.class, () -> new ForwardingRule(NET, null, B, TO));
        assertThrows(IllegalArgumentException.class, () -> new ForwardingRule(NET, A, null, TO));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ForwardingRule(NET, A, B, null));
        assertTrue(e.getMessage().contains("target"), e.getMessage());
    }

    @Test
    void destinationCountsBeforeSource() {
        ForwardingRule exactExact = rule(A, B);
        ForwardingRule exactDstAnySrc = rule(MacMatch.ANY, B);
        ForwardingRule bcastExactSrc = rule(A, MacMatch.BROADCAST);
        ForwardingRule bcastAny = rule(MacMatch.ANY, MacMatch.BROADCAST);
        ForwardingRule anyDstExactSrc = rule(A, MacMatch.ANY);
        ForwardingRule anyAny = rule(MacMatch.ANY, MacMatch.ANY);
        List<ForwardingRule> expected = List.of(exactExact, exactDstAnySrc, bcastExactSrc, bcastAny,
                anyDstExactSrc, anyAny);
        List<ForwardingRule> sorted = new ArrayList<>(expected);
        Collections.reverse(sorted);
        sorted.sort(Comparator.comparingInt(ForwardingRule::specificity).reversed());
        assertEquals(expected, sorted);
        assertEquals(10, exactExact.specificity());
        assertEquals(0, anyAny.specificity());
    }

    @Test
    void matchesBothSides() {
        ForwardingRule r = rule(A, MacMatch.BROADCAST);
        assertTrue(r.matches(A.address().bits(), MacAddress.BROADCAST_BITS));
        assertTrue(r.matches(A.address().bits(), 0x0100_5E00_0001L));
        assertFalse(r.matches(B.address().bits(), MacAddress.BROADCAST_BITS));
        assertFalse(r.matches(A.address().bits(), B.address().bits()));
    }

    @Test
    void keyIgnoresTarget() {
        ForwardingRule r1 = rule(A, B);
        ForwardingRule r2 = new ForwardingRule(NET, A, B, RuleTarget.iface("tap0"));
        assertEquals(r1.key(), r2.key());
        assertNotEquals(r1, r2);
        assertNotEquals(r1.key(), new ForwardingRule(NetworkId.of(101), A, B, TO).key());
        assertEquals("vni 100 src 02:00:00:00:00:0a dst 02:00:00:00:00:0b -> link:to-c", r1.toString());
    }
}
