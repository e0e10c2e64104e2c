package io.vnet.dataplane.link;

import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * A datagram "socket" for {@link VxlanLinks} without a socket: Bootstrap makes it by reflection,
 * registers it with any event loop and binds it (nothing happens); the test then fires datagrams
 * into its pipeline on that loop, and what the VXLAN ports write to it waits in its outbound
 * queue. {@link #last} is the one made most recently.
 */
public final class FakeDatagramChannel extends EmbeddedChannel {
    private static volatile FakeDatagramChannel last;

    public FakeDatagramChannel() {
        super(false, false);
        last = this;
    }

    static FakeDatagramChannel last() {
        return last;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }
}
