package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GreetingsTest {
    private static InetAddress addr(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    @Test
    void atMostMaxAtOnceAndThePlacesComeBack() throws Exception {
        Greetings g = new Greetings(new Greetings.Limits(3, 3, 10));
        List<Greetings.Place> places = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            places.add(g.admit(addr(i)).place());
        }
        Greetings.Admission refused = g.admit(addr(4));
        assertNull(refused.place());
        assertEquals(Greetings.Refusal.BUSY, refused.refusal());
        assertEquals(1, g.refused(Greetings.Refusal.BUSY));
        assertEquals(3, g.inProgress());
        places.get(0).done();
        places.get(0).done(); // given back once only
        assertEquals(2, g.inProgress());
        assertEquals(2, g.addresses(), "the address with no greeting left is forgotten");
        assertNotNull(g.admit(addr(4)).place());
        assertNull(g.admit(addr(5)).place());
        assertEquals(2, g.refused(Greetings.Refusal.BUSY));
        assertEquals(4, g.admitted());
    }

    @Test
    void oneAddressHasAtMostPerAddress() throws Exception {
        Greetings g = new Greetings(new Greetings.Limits(10, 2, 10));
        Greetings.Place a = g.admit(addr(1)).place();
        assertNotNull(g.admit(addr(1)).place());
        Greetings.Admission third = g.admit(addr(1));
        assertEquals(Greetings.Refusal.ADDRESS, third.refusal());
        assertNotNull(g.admit(addr(2)).place(), "another address still has places");
        assertNotNull(g.admit(null).place(), "a connection of no known address counts against the total only");
        a.done();
        assertNotNull(g.admit(addr(1)).place());
        assertEquals(1, g.refused(Greetings.Refusal.ADDRESS));
        assertEquals(0, g.refused(Greetings.Refusal.BUSY));
    }

    @Test
    void anExpiredGreetingIsCountedOnceAndNotAfterItsHello() throws Exception {
        Greetings g = new Greetings(Greetings.Limits.DEFAULTS);
        Greetings.Place silent = g.admit(addr(1)).place();
        Greetings.Place spoke = g.admit(addr(2)).place();
        spoke.done();
        assertFalse(spoke.expire(), "it said hello: its deadline does nothing");
        assertTrue(silent.expire());
        assertFalse(silent.expire());
        assertTrue(silent.isDone());
        assertEquals(1, g.timedOut());
        assertEquals(0, g.inProgress());
    }

    @Test
    void limitsOutOfRangeAreRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Greetings.Limits(0, 1, 10)).getMessage()
                .contains("greetings.max"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Greetings.Limits(4, 5, 10)).getMessage()
                .contains("greetings.perAddress"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Greetings.Limits(4, 4, 0)).getMessage()
                .contains("greetings.seconds"));
    }
}
