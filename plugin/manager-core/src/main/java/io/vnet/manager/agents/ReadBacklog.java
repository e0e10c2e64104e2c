package io.vnet.manager.agents;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One agent connection's messages handed from its event loop to the message workers and not yet
 * taken there (read, decrypted and framed on the loop; parsed and acted on by a worker). At
 * {@value #MAX_WAITING} the connection stops being read until a worker has taken one: so what waits
 * for the workers is bounded by the connections, and an agent whose messages wait sees its
 * connection back up and holds its next report's counts (nothing is lost). Each pause is counted.
 *
 * <p>The loop pauses reading in the same task that counts a message in; a worker that takes the
 * count below the bound asks the loop to look again, in a task that runs after that one, so a
 * connection is never left paused with nothing waiting.
 */
final class ReadBacklog extends ChannelInboundHandlerAdapter {
    /** Messages of one connection that may wait for the workers before it is no longer read. */
    static final int MAX_WAITING = 4;

    private final AtomicInteger waiting = new AtomicInteger();
    private final LongAdder pauses;

    /** @param pauses where the connections' pauses are counted */
    ReadBacklog(LongAdder pauses) {
        this.pauses = pauses;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waiting.incrementAndGet() >= MAX_WAITING && ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            pauses.increment();
        }
        ctx.fireChannelRead(msg);
    }

    /** A worker took one of {@code ch}'s messages (acted on it, or failed to). */
    void taken(Channel ch) {
        if (waiting.decrementAndGet() == MAX_WAITING - 1) {
            ch.eventLoop().execute(() -> {
                if (waiting.get() < MAX_WAITING && !ch.config().isAutoRead()) {
                    ch.config().setAutoRead(true);
                }
            });
        }
    }

    /** Messages handed on and not yet taken. */
    int waiting() {
        return waiting.get();
    }
}
