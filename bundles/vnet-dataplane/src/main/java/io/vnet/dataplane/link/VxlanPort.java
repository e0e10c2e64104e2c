package io.vnet.dataplane.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.vnet.api.DropReason;
import io.vnet.api.LinkSpec;
import io.vnet.api.PortStats;
import io.vnet.dataplane.forward.Port;
import io.vnet.dataplane.forward.PortCounters;
import java.net.InetSocketAddress;

/**
 * A VXLAN link: frames go out as VXLAN datagrams to the peer's endpoint from the daemon's
 * VXLAN socket. There is no connection, so the link is up while the socket is.
 */
public final class VxlanPort implements Port {
    private final LinkSpec spec;
    private final String portId;
    private final InetSocketAddress peer;
    private final PortCounters counters = new PortCounters();
    private final Channel socket;
    private final int innerMtu;

    VxlanPort(LinkSpec spec, InetSocketAddress peer, Channel socket, int innerMtu) {
        this.spec = spec;
        this.innerMtu = innerMtu;
        this.portId = "link:" + spec.id();
        this.peer = peer;
        this.socket = socket;
    }

    public LinkSpec spec() {
        return spec;
    }

    InetSocketAddress peer() {
        return peer;
    }

    @Override
    public String id() {
        return portId;
    }

    @Override
    public boolean isLink() {
        return true;
    }

    @Override
    public boolean floods() {
        return spec.flood();
    }

    /** The inner packets this link carries unfragmented: the underlay MTU less the encapsulation (an Ethernet header with a VLAN tag beside). */
    @Override
    public int maxFrame() {
        return innerMtu + 18;
    }

    @Override
    public boolean isUp() {
        return socket.isActive();
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    @Override
    public void send(int vni, ByteBuf frame) {
        try {
            if (!socket.isActive()) {
                counters.drop(DropReason.LINK_DOWN);
                return;
            }
            if (!socket.isWritable()) {
                counters.drop(DropReason.CONGESTED);
                return;
            }
            int len = frame.readableBytes();
            ByteBuf out = socket.alloc().directBuffer(Vxlan.HEADER + len);
            Vxlan.writeHeader(out, vni);
            out.writeBytes(frame, frame.readerIndex(), len);
            counters.out(len);
            socket.writeAndFlush(new DatagramPacket(out, peer), socket.voidPromise());
        } finally {
            frame.release();
        }
    }

    public PortStats stats() {
        return counters.snapshot("link", spec.id(), socket.isActive() ? "up" : "down",
                spec.peerHost() + " via vxlan " + spec.connect() + ", mtu " + innerMtu + (spec.flood() ? ", flood" : ""));
    }
}
