package io.vnet.protocol.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.protocol.ManagerProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The schema in {@link ManagerProtocol}'s documentation is the code's: every field each message
 * record writes (every optional one present) is named in that message's entry of the list there.
 */
class MessagesDocumentedTest {
    @Test
    void everyFieldTheRecordsWriteIsInTheProtocolsDocumentation() throws Exception {
        String source = Files.readString(Path.of("src/main/java/io/vnet/protocol/ManagerProtocol.java"));
        String doc = source.substring(0, source.indexOf("public final class ManagerProtocol"));
        Map<String, JsonNode> full = Map.of(
                ManagerProtocol.HELLO, MessagesRoundTripTest.hello().toJson(),
                ManagerProtocol.REPORT, MessagesRoundTripTest.report().toJson(),
                ManagerProtocol.VMS, new VmsUpdate("h", MessagesRoundTripTest.inventory()).toJson(),
                ManagerProtocol.ACK, new Ack("h", 1, true, List.of("e")).toJson(),
                ManagerProtocol.STATE, MessagesRoundTripTest.state().toJson(),
                ManagerProtocol.REVOKED, new Revoked(List.of("ab")).toJson(),
                ManagerProtocol.REFUSED, new Refused("why").toJson(),
                ManagerProtocol.ENROL, new Enrol("h", "0123456789abcdef", "s", "k", "p").toJson(),
                ManagerProtocol.ENROLLED, new Enrolled("h", "host", "-----BEGIN CERTIFICATE-----", "-----BEGIN CERTIFICATE-----")
                        .toJson(),
                ManagerProtocol.MEMBERS, new Members(java.util.List.of()).toJson());
        List<String> missing = new ArrayList<>();
        full.forEach((type, json) -> {
            String entry = entry(doc, type);
            for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!field.equals("type") && !entry.matches("(?s).*\\b" + field + "\\b.*")) {
                    missing.add(type + "." + field);
                }
            }
        });
        assertEquals(List.of(), missing, "fields the records write that ManagerProtocol's documentation does not name");
    }

    /** The list entry of the documentation that introduces message {@code type} ("{@value #HELLO}" in the source). */
    private static String entry(String doc, String type) {
        String constant = "{@value #" + type.toUpperCase(java.util.Locale.ROOT) + "}";
        int at = -1;
        for (int i = doc.indexOf("<li>"); i >= 0; i = doc.indexOf("<li>", i + 1)) {
            int end = doc.indexOf("</li>", i);
            String li = doc.substring(i, end < 0 ? doc.length() : end);
            int c = li.indexOf(constant);
            if (c >= 0 && c < 60) {
                at = i;
                return li;
            }
        }
        assertTrue(at >= 0, "no entry for " + type + " in ManagerProtocol's documentation");
        return "";
    }
}
