package io.vnet.it.fabric.libvirt;

import io.vnet.it.fabric.Fabric;
import io.vnet.it.fabric.Vm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TCP transfers between a fabric {@link Vm} and a {@link Guest}, with busybox nc in the VM and
 * the guest's own servers (see {@link GuestImage}): an upload to its sink, a download from its
 * source. Both report the bytes the receiving side counted and the time the transfer took.
 */
public final class GuestTraffic {
    private GuestTraffic() {
    }

    /**
     * A transfer: bytes the receiver counted, and the time from the first byte offered to the
     * sender's end.
     */
    public record Transfer(String direction, long bytes, long nanos) {
        public double mibPerSecond() {
            return bytes / 1_048_576.0 / (nanos / 1e9);
        }

        @Override
        public String toString() {
            return String.format("%s: %,d bytes in %.2f s = %.1f MiB/s", direction, bytes, nanos / 1e9, mibPerSecond());
        }
    }

    /**
     * Sends {@code bytes} zero bytes from {@code from} to the guest's sink; returns what the guest
     * counted ({@link GuestImage#RECEIVED} on its console).
     */
    public static Transfer upload(Fabric fabric, Vm from, Guest to, long bytes, Duration timeout)
            throws IOException, InterruptedException {
        int before = to.count(GuestImage.RECEIVED);
        Path log = fabric.workDir().resolve("nc-upload-" + from.name() + "-" + System.nanoTime() + ".log");
        Process nc = fabric.spawn(from.ns(), List.of("busybox", "nc", to.ip(), Integer.toString(GuestImage.SINK_PORT)), log);
        long t0 = System.nanoTime();
        byte[] chunk = new byte[65_536];
        try (OutputStream out = nc.getOutputStream()) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        } catch (IOException e) {
            throw new IllegalStateException("upload from " + from.name() + " to " + to + " broke off: " + e.getMessage()
                    + "; nc said: " + Shell.tail(log, 2000), e);
        }
        // nc ends once the guest has read everything and closed its end
        if (!nc.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            nc.destroyForcibly();
            throw new IllegalStateException("upload from " + from.name() + " to " + to + " did not end within " + timeout
                    + "; the guest counted " + to.lastNumberAfter(GuestImage.RECEIVED) + " bytes so far");
        }
        long nanos = System.nanoTime() - t0;
        if (nc.exitValue() != 0) {
            throw new IllegalStateException("nc from " + from.name() + " to " + to + " exited " + nc.exitValue() + ": "
                    + Shell.tail(log, 2000));
        }
        to.awaitConsole(GuestImage.RECEIVED, before + 1, Duration.ofSeconds(20));
        return new Transfer("upload " + from.name() + " -> " + to.name(), to.lastNumberAfter(GuestImage.RECEIVED), nanos);
    }

    /**
     * Receives what the guest's source sends (the vnet.send_mib of its kernel command line) in
     * {@code to}; returns the bytes {@code to} got.
     */
    public static Transfer download(Fabric fabric, Guest from, Vm to, Duration timeout)
            throws IOException, InterruptedException {
        Path data = fabric.workDir().resolve("nc-download-" + to.name() + "-" + System.nanoTime() + ".data");
        long t0 = System.nanoTime();
        // stdin stays open (a pipe the test holds): nc must not half-close before the guest is done
        Process nc = fabric.spawn(to.ns(), List.of("busybox", "nc", from.ip(), Integer.toString(GuestImage.SOURCE_PORT)),
                data);
        try {
            if (!nc.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                nc.destroyForcibly();
                throw new IllegalStateException("download from " + from + " to " + to.name() + " did not end within "
                        + timeout + " (" + Files.size(data) + " bytes so far)");
            }
            long nanos = System.nanoTime() - t0;
            long size = Files.size(data);
            if (nc.exitValue() != 0) {
                throw new IllegalStateException("nc from " + from + " to " + to.name() + " exited " + nc.exitValue()
                        + " after " + size + " bytes: " + (size < 2000 ? Files.readString(data) : "(data)"));
            }
            return new Transfer("download " + from.name() + " -> " + to.name(), size, nanos);
        } finally {
            nc.getOutputStream().close();
            Files.deleteIfExists(data);
        }
    }
}
