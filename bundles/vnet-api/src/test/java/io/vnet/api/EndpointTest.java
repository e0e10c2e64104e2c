package io.vnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536, 100000})
    void rejectsPortOutOfRangeNamingIt(int port) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Endpoint("h", port));
        assertTrue(e.getMessage().contains("invalid port " + port), e.getMessage());
        assertTrue(e.getMessage().contains("1..65535"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("10.0.0.1:" + port));
        assertTrue(e.getMessage().contains(Integer.toString(port)), e.getMessage());
    }

    @Test
    void acceptsPortBounds() {
        assertEquals(1, Endpoint.checkPort(1));
        assertEquals(65535, new Endpoint("h", 65535).port());
    }

    @Test
    void parsesIpv4AndHostNamesAndRoundTrips() {
        Endpoint e = Endpoint.parse("10.1.2.3:5800");
        assertEquals(new Endpoint("10.1.2.3", 5800), e);
        assertEquals("10.1.2.3:5800", e.toString());
        assertEquals(e, Endpoint.parse(e.toString()));
        assertEquals(new Endpoint("proxy.example", 443), Endpoint.parse("proxy.example:443"));
    }

    @Test
    void parsesBracketedIpv6AndRoundTrips() {
        Endpoint e = Endpoint.parse("[::1]:5800");
        assertEquals("::1", e.host());
        assertEquals(5800, e.port());
        assertEquals("[::1]:5800", e.toString());
        assertEquals(e, Endpoint.parse(e.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "host:", ":5800", ""})
    void rejectsMissingHostOrPortNamingTheText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("HOST:PORT"), e.getMessage());
    }

    @Test
    void rejectsNonNumericPortNamingTheText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("host:http"));
        assertTrue(e.getMessage().contains("'host:http'"), e.getMessage());
        assertTrue(e.getMessage().contains("not a number"), e.getMessage());
    }

    @Test
    void rejectsNullOrBlankHost() {
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse(null));
        assertThrows(IllegalArgumentException.class, () -> new Endpoint(null, 1));
        assertThrows(IllegalArgumentException.class, () -> new Endpoint("  ", 1));
    }
}
