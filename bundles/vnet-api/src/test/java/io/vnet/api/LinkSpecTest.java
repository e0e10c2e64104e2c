package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinkSpecTest {

    @Test
    void dialAndAccept() {
        Endpoint ep = Endpoint.parse("192.0.2.3:5800");
        LinkSpec dial = LinkSpec.dial("to-c", "host-c", ep, true);
        assertTrue(dial.dials());
        assertTrue(dial.flood());
        assertEquals(ep, dial.connect());
        assertEquals(LinkSpec.Transport.TCP, dial.transport());

        LinkSpec accept = LinkSpec.accept("from-a", "host-a", false);
        assertFalse(accept.dials());
        assertFalse(accept.flood());
        assertNull(accept.connect());
    }

    @Test
    void transportDefaultsToTcp() {
        assertEquals(LinkSpec.Transport.TCP, new LinkSpec("l", "p", null, null, false).transport());
    }

    @Test
    void rejectsBadLinkIdNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinkSpec.accept("bad id", "host-a", false));
        assertTrue(e.getMessage().contains("invalid link id 'bad id'"), e.getMessage());
    }

    @Test
    void rejectsBadPeerHostNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinkSpec.accept("l1", "host/a", false));
        assertTrue(e.getMessage().contains("invalid peer host id 'host/a'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinkSpec.accept("l1", null, false));
    }
}
