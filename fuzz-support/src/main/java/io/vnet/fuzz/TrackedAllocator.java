package io.vnet.fuzz;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * An allocator whose live bytes are counted exactly, so that a fuzz test can check after every
 * input that each buffer made from it (its own, and those the code under test derived from
 * them: slices, cumulations, copies made with {@code frame.alloc()} or a channel's allocator)
 * was released. Its buffers are also tracked by Netty's leak detector.
 */
public final class TrackedAllocator {
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, false);
    private final ByteBufAllocatorMetric metric = alloc.metric();

    public ByteBufAllocator alloc() {
        return alloc;
    }

    /** Bytes of buffers made by this allocator and not yet released. */
    public long liveBytes() {
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }

    /** Fails if any buffer made by this allocator is still unreleased; {@code after} says when. */
    public void assertAllReleased(String after) {
        long live = liveBytes();
        if (live != 0) {
            throw new AssertionError(live + " bytes of buffers still unreleased after " + after);
        }
    }
}
