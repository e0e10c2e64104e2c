package io.vnet.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.LeakCheck;
import io.vnet.fuzz.Rejections;
import java.nio.charset.StandardCharsets;

/**
 * An enrolment token as a new host's configuration or an admin's paste may hold it, anything at all:
 * {@link EnrolmentToken#parse} takes it or refuses it with an {@link IllegalArgumentException}, and
 * a token it takes is written back as it was read.
 */
@Fuzzing
class EnrolmentTokenFuzzTest {
    @FuzzTest
    @DictionaryEntries({"vnet1.", "0123456789abcdef", "."})
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Rejections.onlyIllegalArgument(() -> EnrolmentToken.parse(text))
                .ifPresent(t -> assertEquals(t, EnrolmentToken.parse(t.toString())));
        LeakCheck.afterInput();
    }
}
