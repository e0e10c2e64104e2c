package io.vnet.fuzz;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The extension's checks: the detector's settings before a class, a leak after it and every so many inputs. */
class LeakCheckTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);
    private final LeakCheck check = new LeakCheck();

    @Test
    void theDetectorsSettingsAreRequiredBeforeTheClass() {
        assertDoesNotThrow(() -> check.beforeAll(null), "this JVM runs with the fuzz tests' settings");
    }

    @Test
    void noLeakPassesAfterTheClass() {
        ByteBuf b = ALLOC.directBuffer(64);
        b.release();
        assertDoesNotThrow(() -> check.afterAll(null));
    }

    @Test
    void aLeakFailsAfterTheClass() {
        dropOne();
        AssertionError e = assertThrows(AssertionError.class, () -> check.afterAll(null));
        assertTrue(e.getMessage().contains("dropOne"), e.getMessage());
    }

    @Test
    void aLeakFailsWithinTheInputsBetweenTwoChecks() {
        dropOne();
        assertThrows(AssertionError.class, () -> {
            for (int i = 0; i < LeakCheck.INPUTS_BETWEEN_CHECKS; i++) {
                LeakCheck.afterInput();
            }
        });
    }

    private static void dropOne() {
        ByteBuf b = ALLOC.directBuffer(64);
        b.writeLong(3);
    }
}
