package io.vnet.dataplane.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.fuzz.Fuzzing;

/**
 * The HELLO bodies of lanes as a hostile peer may write them: a capabilities body with a lane
 * offer ({@link Records.Capabilities#parse}) and a join ({@link Records.Join#parse}). Parsing
 * never throws but a join's {@link IllegalArgumentException}; what parses is within bounds
 * (lanes 1..8, a 16-digit token, a lane of 1..7) and writes back as a body that parses alike.
 */
@Fuzzing
class LaneHelloFuzzTest {
    @FuzzTest
    @DictionaryEntries({"+records 2 max 9018 echo lanes 4 session 0123456789abcdef", "+join 3 0123456789abcdef h",
            " lanes ", " session ", "+join ", "+records "})
    void bodies(FuzzedDataProvider data) {
        String body = data.consumeRemainingAsString();
        Records.Capabilities c = Records.Capabilities.parse(body);
        if (c != null) {
            assertTrue(c.lanes() >= 1 && c.lanes() <= Records.MAX_LANES, "lanes " + c.lanes());
            assertTrue(c.lanes() == 1 ? c.session() == null : Records.isToken(c.session()), "session " + c.session());
            assertEquals(c, Records.Capabilities.parse(c.body()), "a parsed offer writes back alike");
        }
        Records.Join j;
        try {
            j = Records.Join.parse(body);
        } catch (IllegalArgumentException e) {
            assertTrue(body.startsWith(Records.JOIN), "only a join's refusal throws: " + e);
            return;
        }
        if (j != null) {
            assertTrue(j.lane() >= 1 && j.lane() < Records.MAX_LANES, "lane " + j.lane());
            assertTrue(Records.isToken(j.session()), j.session());
            assertTrue(!j.hostId().isEmpty());
            assertEquals(j, Records.Join.parse(j.body()), "a parsed join writes back alike");
        }
    }
}
