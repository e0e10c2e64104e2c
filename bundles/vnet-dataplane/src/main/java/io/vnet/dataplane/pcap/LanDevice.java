package io.vnet.dataplane.pcap;

import java.io.IOException;

/** An open LAN device: captured frames in, injected frames out. */
public interface LanDevice extends AutoCloseable {
    /**
     * The next frame that arrived on the device (never one this process injected), or null
     * after a short timeout with none. Called from one thread only.
     */
    byte[] next() throws IOException;

    /** Sends the first {@code length} bytes of {@code frame} out of the device. */
    void inject(byte[] frame, int length) throws IOException;

    /** Makes a {@link #next()} blocked in another thread return (it may throw), so that thread can stop. */
    void wakeUp();

    @Override
    void close();
}
