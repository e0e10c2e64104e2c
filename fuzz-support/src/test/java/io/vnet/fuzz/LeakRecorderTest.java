package io.vnet.fuzz;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak check finds a buffer that was dropped unreleased, and passes when all were released. */
class LeakRecorderTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);

    @Test
    void theRecorderIsInUse() {
        assertDoesNotThrow(Leaks::requireParanoid);
    }

    @Test
    void aReleasedBufferIsNoLeak() {
        ByteBuf b = ALLOC.directBuffer(64);
        b.writeLong(1);
        b.release();
        assertDoesNotThrow(Leaks::assertNone);
    }

    @Test
    void aDroppedBufferIsReportedWithWhereItWasAllocated() {
        dropOne();
        AssertionError e = assertThrows(AssertionError.class, Leaks::assertNone);
        assertTrue(e.getMessage().contains("leak(s) reported"), e.getMessage());
        assertTrue(e.getMessage().contains("dropOne"), "the allocation's stack names the culprit: " + e.getMessage());
        assertDoesNotThrow(Leaks::assertNone, "a report is given once");
    }

    private static void dropOne() {
        ByteBuf b = ALLOC.directBuffer(64);
        b.writeLong(2);
    }
}
