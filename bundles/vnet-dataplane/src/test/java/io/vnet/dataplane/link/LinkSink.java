package io.vnet.dataplane.link;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.vnet.api.LinkSpec;
import io.vnet.api.NetworkId;
import java.util.List;

/**
 * A TCP link whose connection is an {@link EmbeddedChannel} with the record encoder: the forwarder
 * sends to it as to any link (segmenting offloaded frames unless the peer said it reads them,
 * answering frames above the peer's maximum as a router), and the records it wrote are dropped
 * and released by {@link #drain}.
 */
final class LinkSink {
    final LinkPort port;
    private final EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);

    /** @param capabilities what the peer said it reads, or null for a peer that said nothing */
    LinkSink(String id, int vni, ByteBufAllocator alloc, Records.Capabilities capabilities) {
        port = new LinkPort(LinkSpec.accept(id, "peer-of-" + id, true, List.of(NetworkId.of(vni))));
        channel.config().setAllocator(alloc);
        port.attach(channel);
        if (capabilities != null) {
            port.peerCapabilities(channel, capabilities);
        }
    }

    /** Releases every record written so far; returns how many there were. */
    int drain() {
        int n = 0;
        for (Object o; (o = channel.readOutbound()) != null; n++) {
            ReferenceCountUtil.release(o);
        }
        return n;
    }

    /** Closes the connection and releases what it still held. */
    void close() {
        drain();
        channel.finishAndReleaseAll();
    }
}
