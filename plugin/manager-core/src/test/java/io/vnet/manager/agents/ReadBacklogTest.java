package io.vnet.manager.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class ReadBacklogTest {
    @Test
    void aConnectionIsNotReadWhileItsMessagesWaitAndIsReadAgainOnceOneIsTaken() {
        LongAdder pauses = new LongAdder();
        ReadBacklog backlog = new ReadBacklog(pauses);
        EmbeddedChannel ch = new EmbeddedChannel(backlog);
        for (int i = 1; i < ReadBacklog.MAX_WAITING; i++) {
            ch.writeInbound("m" + i);
            assertTrue(ch.config().isAutoRead(), "read on while " + i + " wait");
        }
        ch.writeInbound("m" + ReadBacklog.MAX_WAITING);
        assertFalse(ch.config().isAutoRead(), "not read at " + ReadBacklog.MAX_WAITING + " waiting");
        assertEquals(1, pauses.sum());
        ch.writeInbound("framed before the pause"); // what was already read and framed is still handed on
        assertEquals(ReadBacklog.MAX_WAITING + 1, backlog.waiting());
        backlog.taken(ch);
        ch.runPendingTasks();
        assertFalse(ch.config().isAutoRead(), "still " + ReadBacklog.MAX_WAITING + " waiting");
        backlog.taken(ch);
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "read again below the bound");
        assertEquals(ReadBacklog.MAX_WAITING + 1, ch.inboundMessages().size(), "every message was handed on");
        ch.finishAndReleaseAll();
    }

    @Test
    void everyMessageTakenBeforeThePauseStillLeavesTheConnectionRead() {
        // the workers take all of them before the loop's look: the look then finds none waiting and reads on
        LongAdder pauses = new LongAdder();
        ReadBacklog backlog = new ReadBacklog(pauses);
        EmbeddedChannel ch = new EmbeddedChannel(backlog);
        for (int i = 0; i < ReadBacklog.MAX_WAITING; i++) {
            ch.writeInbound(i);
        }
        for (int i = 0; i < ReadBacklog.MAX_WAITING; i++) {
            backlog.taken(ch);
        }
        ch.runPendingTasks();
        assertEquals(0, backlog.waiting());
        assertTrue(ch.config().isAutoRead());
        ch.finishAndReleaseAll();
    }
}
