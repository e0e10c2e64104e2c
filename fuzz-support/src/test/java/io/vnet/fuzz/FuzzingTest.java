package io.vnet.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A class marked {@link Fuzzing} runs with logging silenced and with the leak check. */
@Fuzzing
class FuzzingTest {
    @Test
    void loggingIsSilenced() {
        assertEquals(Level.OFF, Logger.getLogger("").getLevel());
    }

    @Test
    void theLeakCheckIsApplied() {
        ExtendWith with = Fuzzing.class.getAnnotation(ExtendWith.class);
        assertTrue(List.of(with.value()).contains(LeakCheck.class));
    }
}
