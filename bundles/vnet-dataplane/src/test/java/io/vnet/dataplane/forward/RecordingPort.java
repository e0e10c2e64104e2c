package io.vnet.dataplane.forward;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** A port that keeps what it is sent, so that tests can look at the frames and release them. */
final class RecordingPort implements Port {
    record Sent(int vni, ByteBuf frame) {
    }

    private final String id;
    private final boolean link;
    private final boolean floods;
    private final PortCounters counters = new PortCounters();
    private final List<Sent> sent = new ArrayList<>();
    private final List<ByteBuf> everSent = new ArrayList<>();
    boolean up = true;
    int maxFrame = Integer.MAX_VALUE;
    /** The networks this port carries; null: every network. */
    int[] carried;
    /** What {@link #stillBehind} answers: whether addresses learned here are still behind this interface. */
    boolean behind = true;
    /** How many times the forwarder asked {@link #stillBehind}. */
    int behindAsked;
    /** The next call of {@link #maxFrame} throws (a fault while the forwarder still owns the frame). */
    boolean failNext;

    private RecordingPort(String id, boolean link, boolean floods) {
        this.id = id;
        this.link = link;
        this.floods = floods;
    }

    /** A local interface, "interface:NAME"; interfaces always flood. */
    static RecordingPort tap(String name) {
        return new RecordingPort("interface:" + name, false, true);
    }

    /** An overlay link, "link:NAME". */
    static RecordingPort link(String name, boolean floods) {
        return new RecordingPort("link:" + name, true, floods);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isLink() {
        return link;
    }

    @Override
    public boolean floods() {
        return floods;
    }

    @Override
    public boolean vmFacing() {
        return !link;
    }

    @Override
    public boolean stillBehind(long mac) {
        behindAsked++;
        return behind;
    }

    @Override
    public int maxFrame() {
        if (failNext) {
            failNext = false;
            throw new IllegalStateException("a fault of port " + id);
        }
        return maxFrame;
    }

    /** The port carries only these networks (sorted here). */
    RecordingPort carrying(int... vnis) {
        carried = vnis.clone();
        java.util.Arrays.sort(carried);
        return this;
    }

    /** The networks this port floods; null: every network if it floods at all. */
    int[] flooding;

    /** The link floods only these networks (a tree of theirs), and is a fast path of the others. */
    RecordingPort flooding(int... vnis) {
        flooding = vnis.clone();
        java.util.Arrays.sort(flooding);
        return this;
    }

    @Override
    public boolean floods(int vni) {
        return flooding == null ? floods : Carried.contains(flooding, vni);
    }

    @Override
    public boolean carries(int vni) {
        return carried == null || Carried.contains(carried, vni);
    }

    @Override
    public boolean isUp() {
        return up;
    }

    @Override
    public void send(int vni, ByteBuf frame) {
        counters.out(frame.readableBytes());
        sent.add(new Sent(vni, frame));
        everSent.add(frame);
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    List<Sent> sent() {
        return sent;
    }

    int count() {
        return sent.size();
    }

    /** The destination MACs of the frames sent so far, in order. */
    List<Long> destinations() {
        List<Long> out = new ArrayList<>();
        for (Sent s : sent) {
            out.add(Frames.dst(s.frame()));
        }
        return out;
    }

    /** Releases every frame received since the last call and forgets them. */
    void releaseAll() {
        for (Sent s : sent) {
            s.frame().release();
        }
        sent.clear();
    }

    /** Every buffer this port was ever sent (also released ones), to check reference counts. */
    List<ByteBuf> everSent() {
        return everSent;
    }

    @Override
    public String toString() {
        return id;
    }
}
