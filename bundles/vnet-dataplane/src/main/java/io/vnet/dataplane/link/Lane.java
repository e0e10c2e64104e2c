package io.vnet.dataplane.link;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import io.vnet.api.DropReason;
import io.vnet.dataplane.forward.FlowHash;
import io.vnet.dataplane.forward.PortCounters;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection of a link's session and the frames that wait for it. Lane 0 is the session's
 * first connection (the one that said hello and carries keepalive round trips and capabilities);
 * further lanes join it (see {@link Records.Join}) and carry the flows that hash to them. While
 * the connection cannot take more (its send buffer is full: {@link Links#WATER_MARK}), frames
 * wait in a {@link FairQueue}, bounded, shared fairly between networks and flows, sparse flows
 * first; what does not fit is dropped from the longest flow and counted {@code congested}. Once
 * frames wait, new ones queue behind them, so a flow's frames keep their order on the lane.
 */
final class Lane {
    final int index;
    private final PortCounters counters;
    private volatile Channel channel;
    /** Frames waiting for the connection to take more; guarded by itself. */
    private final FairQueue<Records.FrameRecord> waiting;
    /** Whether frames wait: then new ones queue behind them. */
    private volatile boolean backlog;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Whether {@link #drain} runs now, and whether it should go round once more when done. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean drainAgain;
    /** Frames handed to this lane's connections. */
    private final java.util.concurrent.atomic.LongAdder frames = new java.util.concurrent.atomic.LongAdder();

    Lane(int index, PortCounters counters, long queueBytes, int quantum) {
        this.index = index;
        this.counters = counters;
        this.waiting = new FairQueue<>(queueBytes, quantum);
    }

    Channel channel() {
        return channel;
    }

    void channel(Channel ch) {
        channel = ch;
    }

    boolean isUp() {
        return channel != null;
    }

    /**
     * Sends the record on this lane's connection {@code ch} now, or queues it, by its flow
     * ({@link FlowHash}), if frames wait or the connection is full.
     */
    void send(Channel ch, Records.FrameRecord r) {
        int len = r.frame().readableBytes();
        if (!backlog && ch.isWritable()) {
            counters.out(len);
            frames.increment();
            ch.writeAndFlush(r, ch.voidPromise());
            return;
        }
        List<Records.FrameRecord> dropped;
        synchronized (waiting) {
            dropped = waiting.offer(r.vni(), FlowHash.of(r.vni(), r.frame()), r, len);
            backlog = true;
        }
        for (Records.FrameRecord d : dropped) {
            counters.drop(DropReason.CONGESTED);
            d.frame().release();
        }
        if (ch.eventLoop().inEventLoop()) {
            drain(ch);
        } else if (drainScheduled.compareAndSet(false, true)) {
            ch.eventLoop().execute(() -> {
                drainScheduled.set(false);
                drain(ch);
            });
        }
    }

    /**
     * Hands waiting frames to {@code ch}, fairly, while it takes more; called on its event loop
     * after a frame was queued and when it becomes writable again. A flush can make the
     * connection writable again at once and so call this from within itself: that call only
     * asks the running one to go round again, so the stack stays flat.
     */
    void drain(Channel ch) {
        if (ch != channel) {
            return; // not (or no longer) this lane's connection: its frames wait for the current one
        }
        if (!draining.compareAndSet(false, true)) {
            drainAgain = true;
            return;
        }
        try {
            do {
                drainAgain = false;
                boolean wrote = false;
                while (ch.isWritable()) {
                    Records.FrameRecord r;
                    synchronized (waiting) {
                        r = waiting.poll();
                        if (r == null) {
                            backlog = false;
                            break;
                        }
                    }
                    counters.out(r.frame().readableBytes());
                    frames.increment();
                    ch.write(r, ch.voidPromise());
                    wrote = true;
                }
                if (wrote) {
                    ch.flush();
                }
            } while (drainAgain);
        } finally {
            draining.set(false);
        }
        if (channel == null) {
            discardWaiting(); // the connection went while frames waited for it
        } else if (backlog && ch.isWritable() && ch.isActive()) {
            // it became writable as this call ended (a nested call found it running): go round on the loop
            ch.eventLoop().execute(() -> drain(ch));
        }
    }

    /** Drops what waits (the connection is gone), counted {@code link-down}. */
    void discardWaiting() {
        List<Records.FrameRecord> gone;
        synchronized (waiting) {
            gone = waiting.clear();
            backlog = false;
        }
        for (Records.FrameRecord r : gone) {
            counters.drop(DropReason.LINK_DOWN);
            r.frame().release();
        }
    }

    /** Frames handed to this lane's connections so far. */
    long frames() {
        return frames.sum();
    }

    boolean backlog() {
        return backlog;
    }

    /** Bytes waiting for the connection now. */
    long waitingBytes() {
        synchronized (waiting) {
            return waiting.bytes();
        }
    }

    /**
     * Ends the lane: its waiting frames are dropped, and its connection's write side is shut (the
     * peer sees the end of the stream) while frames in flight from the peer are still read for
     * {@code drainMs}, then it is closed.
     */
    static void closeGracefully(Channel ch, long drainMs) {
        if (ch == null) {
            return;
        }
        if (ch instanceof DuplexChannel d && ch.isActive()) {
            d.shutdownOutput();
            ch.eventLoop().schedule(() -> ch.close(), drainMs, TimeUnit.MILLISECONDS);
        } else {
            ch.close();
        }
    }
}
