package io.vnet.it.fabric.libvirt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A domain of the test guest ({@link GuestImage}) that runs on one {@link Libvirtd} and may
 * migrate to another: where it is now, when it was started, and its serial console.
 */
public final class Guest {
    private final DomainSpec spec;
    private final String ip;
    private volatile Libvirtd at;
    private long startedNanos;
    private long defineStartMillis;

    private Guest(DomainSpec spec, String ip, Libvirtd at) {
        this.spec = spec;
        this.ip = ip;
        this.at = at;
    }

    /**
     * Defines and starts {@code spec} on {@code on}; {@code ip} is the address its kernel command
     * line gives it (without the prefix length). Returns once QEMU runs; see {@link #awaitBooted}.
     */
    public static Guest start(Libvirtd on, DomainSpec spec, String ip) throws IOException {
        Domains d = new Domains(on);
        Guest g = new Guest(spec, ip, on);
        long t0 = System.nanoTime();
        d.define(spec);
        d.start(spec.name());
        g.startedNanos = System.nanoTime();
        g.defineStartMillis = (g.startedNanos - t0) / 1_000_000;
        return g;
    }

    public String name() {
        return spec.name();
    }

    public DomainSpec spec() {
        return spec;
    }

    /** The guest's address. */
    public String ip() {
        return ip;
    }

    public String mac() {
        return spec.mac();
    }

    /** The daemon the guest runs on now. */
    public Libvirtd libvirtd() {
        return at;
    }

    /** How long {@code virsh define} and {@code virsh start} took together. */
    public long defineStartMillis() {
        return defineStartMillis;
    }

    /** The serial console's text so far (all hosts the guest ran on append to one file). */
    public String console() {
        try {
            return new String(Files.readAllBytes(spec.consoleLog()), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "(cannot read the console " + spec.consoleLog() + ": " + e + ")";
        }
    }

    /** How many lines of the console contain {@code marker}. */
    public int count(String marker) {
        return (int) console().lines().filter(l -> l.contains(marker)).count();
    }

    /** The number after the last {@code marker} on the console (e.g. the bytes of {@link GuestImage#RECEIVED}), or -1. */
    public long lastNumberAfter(String marker) {
        Matcher m = Pattern.compile(Pattern.quote(marker) + " (\\d+)").matcher(console());
        long n = -1;
        while (m.find()) {
            n = Long.parseLong(m.group(1));
        }
        return n;
    }

    /**
     * Waits until the console has {@link GuestImage#READY}; returns the time since {@code virsh
     * start} returned.
     *
     * @throws IllegalStateException with the console and QEMU's log when the guest reports
     *                               {@link GuestImage#FAILED}, its domain stops, or the time runs out
     */
    public Duration awaitBooted(Duration timeout) throws InterruptedException {
        awaitConsole(GuestImage.READY, 1, timeout);
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Waits until {@code marker} is on {@code atLeast} lines of the console (failures as {@link #awaitBooted}). */
    public void awaitConsole(String marker, int atLeast, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextStateCheck = System.nanoTime() + 2_000_000_000L;
        while (count(marker) < atLeast) {
            if (console().contains(GuestImage.FAILED)) {
                throw failure("reported " + GuestImage.FAILED);
            }
            if (System.nanoTime() > nextStateCheck) {
                String state = new Domains(at).state(name());
                if (!"running".equals(state)) {
                    throw failure("is " + (state == null ? "not defined" : state) + " on " + at.host().name()
                            + " before its console showed '" + marker + "'");
                }
                nextStateCheck = System.nanoTime() + 2_000_000_000L;
            }
            if (System.nanoTime() > deadline) {
                throw failure("did not print '" + marker + "' " + atLeast + " time(s) within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException("guest " + name() + " (" + spec.type().name() + ", on " + at.host().name() + ") "
                + what + "; its serial console (" + spec.consoleLog() + "):\n" + Shell.tail(spec.consoleLog(), 6000)
                + "\nQEMU's log (" + at.qemuLog(name()) + "):\n" + Shell.tail(at.qemuLog(name()), 3000));
    }

    /** Live-migrates the guest to {@code to} (see {@link Domains#migrateLive}); from then on it is there. */
    public Domains.Migration migrateTo(Libvirtd to, int maxDowntimeMillis) {
        Domains.Migration m = new Domains(at).migrateLive(name(), to, maxDowntimeMillis);
        at = to;
        return m;
    }

    @Override
    public String toString() {
        return name() + " (" + ip + ", " + mac() + " on " + at.host().name() + ")";
    }
}
