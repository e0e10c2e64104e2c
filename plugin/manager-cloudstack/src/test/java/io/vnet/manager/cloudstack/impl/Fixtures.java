package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The recorded CloudStack shapes under src/test/resources/cloudstack (listed in FIXTURES.md there). */
final class Fixtures {
    private Fixtures() {
    }

    /** The text of a fixture, e.g. "4.20/listHosts.json". */
    static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/cloudstack/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture cloudstack/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a fixture is recorded, e.g. "4.20/error-401-listAccounts.json". */
    static boolean exists(String name) {
        return Fixtures.class.getResource("/cloudstack/" + name) != null;
    }

    static JsonNode json(String name) {
        try {
            return CloudStackClient.JSON.readTree(text(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder of the fixtures on disk (target/test-classes/cloudstack). */
    static Path folder() {
        try {
            return Path.of(Fixtures.class.getResource("/cloudstack/FIXTURES.md").toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A recorded webhook delivery: its headers (names in lower case) and raw body. */
    record Delivery(Map<String, String> headers, byte[] body) {
    }

    static Delivery delivery(String name) {
        JsonNode d = json(name);
        Map<String, String> h = new LinkedHashMap<>();
        d.get("headers").fields().forEachRemaining(e -> h.put(e.getKey().toLowerCase(), e.getValue().asText()));
        return new Delivery(h, d.get("body").asText().getBytes(StandardCharsets.UTF_8));
    }
}
