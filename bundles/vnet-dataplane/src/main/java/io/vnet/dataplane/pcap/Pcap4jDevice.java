package io.vnet.dataplane.pcap;

import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;

/**
 * A LAN device opened with pcap4j: one handle captures (promiscuous, immediate, incoming
 * direction only) and another injects, so the capture thread and the senders never share a
 * libpcap handle.
 */
final class Pcap4jDevice implements LanDevice {
    /** The read timeout; libpcap may block longer (immediate mode), see {@link #wakeUp()}. */
    static final int TIMEOUT_MS = 100;
    private static final int BUFFER_BYTES = 4 << 20;

    private final String name;
    private final PcapHandle capture;
    private final PcapHandle inject;

    private Pcap4jDevice(String name, PcapHandle capture, PcapHandle inject) {
        this.name = name;
        this.capture = capture;
        this.inject = inject;
    }

    static Pcap4jDevice open(String device, int snaplen) throws IOException {
        LibPcap.configure();
        PcapHandle capture = null;
        try {
            capture = new PcapHandle.Builder(device).snaplen(snaplen).promiscuousMode(PromiscuousMode.PROMISCUOUS)
                    .timeoutMillis(TIMEOUT_MS).immediateMode(true).bufferSize(BUFFER_BYTES)
                    .direction(PcapHandle.PcapDirection.IN).build();
            PcapHandle inject = new PcapHandle.Builder(device).snaplen(snaplen)
                    .promiscuousMode(PromiscuousMode.NONPROMISCUOUS).timeoutMillis(TIMEOUT_MS).build();
            return new Pcap4jDevice(device, capture, inject);
        } catch (PcapNativeException e) {
            if (capture != null) {
                capture.close();
            }
            throw new IOException("cannot open LAN device " + device + " with libpcap "
                    + System.getProperty(LibPcap.PROPERTY) + ": " + e.getMessage()
                    + " (it must exist, and the daemon needs root or CAP_NET_RAW)", e);
        } catch (LinkageError e) {
            throw new IOException("cannot load libpcap " + System.getProperty(LibPcap.PROPERTY) + " for LAN device "
                    + device + ": " + e, e);
        }
    }

    @Override
    public byte[] next() throws IOException {
        try {
            return capture.getNextRawPacketEx();
        } catch (TimeoutException e) {
            return null;
        } catch (NotOpenException e) {
            throw new IOException("capture on " + name + " is closed", e);
        } catch (PcapNativeException | EOFException e) {
            throw new IOException("capture on " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void inject(byte[] frame, int length) throws IOException {
        try {
            inject.sendPacket(frame, length);
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("injecting into " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void wakeUp() {
        // libpcap 1.10 wakes a capture blocked in poll(); in immediate mode the timeout does not
        try {
            capture.breakLoop();
        } catch (NotOpenException e) {
            // closed already: nothing is blocked
        }
    }

    @Override
    public void close() {
        inject.close();
        capture.close();
    }
}
