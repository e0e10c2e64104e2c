package io.vnet.dataplane.pcap;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A LAN device in memory: tests queue captured frames and read what was injected. */
final class FakeLan implements LanDevice {
    private static final byte[] WAKE = new byte[0];
    final BlockingQueue<byte[]> arriving = new LinkedBlockingQueue<>();
    final List<byte[]> injected = new CopyOnWriteArrayList<>();
    volatile boolean failInject;
    volatile boolean failCapture;
    volatile boolean closed;

    @Override
    public byte[] next() throws IOException {
        if (failCapture) {
            throw new IOException("device gone");
        }
        try {
            byte[] f = arriving.poll(50, TimeUnit.MILLISECONDS);
            return f == WAKE ? null : f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void inject(byte[] frame, int length) throws IOException {
        if (failInject || closed) {
            throw new IOException("refused");
        }
        injected.add(java.util.Arrays.copyOf(frame, length));
    }

    @Override
    public void wakeUp() {
        arriving.add(WAKE);
    }

    @Override
    public void close() {
        closed = true;
    }
}
