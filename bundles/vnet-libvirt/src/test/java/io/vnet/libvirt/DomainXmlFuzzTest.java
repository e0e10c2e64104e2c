package io.vnet.libvirt;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.Rejections;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A domain's XML as libvirt (or whoever controls the domain's definition) hands it over, any bytes:
 * {@link DomainXml#parse} accepts it or refuses it with an {@link IllegalArgumentException} that
 * says what is wrong. External entities are never resolved: a canary file that an entity could name
 * never shows up in what the parser returns or says.
 */
@Fuzzing
class DomainXmlFuzzTest {
    /** Where the canary is, and what it holds: a document that resolved it would carry this text. */
    static final Path CANARY = Path.of(System.getProperty("java.io.tmpdir"), "vnet-fuzz-xxe-canary.txt");
    static final String SECRET = "CANARY-9c41d7";

    @BeforeAll
    static void canary() throws IOException {
        Files.writeString(CANARY, SECRET);
    }

    @FuzzTest
    @DictionaryEntries({"<domain>", "</domain>", "<uuid>", "</uuid>", "<name>", "</name>", "<devices>",
            "</devices>", "<interface type='bridge'>", "</interface>", "<mac address='52:54:00:00:00:01'/>",
            "<source bridge='vnbr100'/>", "<target dev='vnet0'/>", "<!DOCTYPE", "<!ENTITY", "SYSTEM", "file:",
            "vnet-fuzz-xxe-canary.txt", "xmlns:xi=\"http://www.w3.org/2001/XInclude\"", "<xi:include href="})
    void parse(byte[] input) {
        String xml = new String(input, StandardCharsets.UTF_8);
        if (xml.contains(SECRET)) {
            return; // the text is the document's own, not a file's: errors quote the document
        }
        Rejections.onlyIllegalArgument(() -> {
            try {
                DomainInfo d = DomainXml.parse(xml);
                assertFalse((d.uuid() + d.name() + d.nics()).contains(SECRET), "an external entity was resolved: " + d);
                return d;
            } catch (IllegalArgumentException e) {
                assertFalse(String.valueOf(e.getMessage()).contains(SECRET), "an error quoted an external entity");
                throw e;
            }
        });
    }

    @Test
    void externalEntitiesAreRefused() throws IOException {
        canary();
        String file = CANARY.toUri().toString();
        for (String xml : List.of(
                "<?xml version='1.0'?><!DOCTYPE domain [<!ENTITY x SYSTEM '" + file + "'>]>"
                        + "<domain><name>&x;</name><uuid>4dea22b31d52d8f32516782e98ab3fa0</uuid></domain>",
                "<!DOCTYPE domain [<!ENTITY % p SYSTEM '" + file + "'> %p;]><domain/>",
                "<!DOCTYPE domain SYSTEM '" + file + "'><domain/>",
                "<domain xmlns:xi='http://www.w3.org/2001/XInclude'><name><xi:include href='" + file
                        + "' parse='text'/></name><uuid>4dea22b31d52d8f32516782e98ab3fa0</uuid></domain>")) {
            try {
                DomainInfo d = DomainXml.parse(xml);
                assertFalse((d.name() + d.uuid()).contains(SECRET), "resolved: " + xml);
            } catch (IllegalArgumentException e) {
                assertFalse(String.valueOf(e.getMessage()).contains(SECRET), "quoted: " + e.getMessage());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> DomainXml.parse("<!DOCTYPE domain [<!ENTITY x SYSTEM '"
                + file + "'>]><domain><name>&x;</name></domain>"), "a DOCTYPE is refused");
    }
}
