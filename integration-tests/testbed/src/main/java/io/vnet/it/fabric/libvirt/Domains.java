package io.vnet.it.fabric.libvirt;

import io.vnet.it.fabric.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The domains of one {@link Libvirtd}: define, start, destroy, undefine, and live-migrate them to another. */
public final class Domains {
    private static final Pattern DOWNTIME = Pattern.compile("Total downtime:\\s+(\\d+)\\s*ms");
    private final Libvirtd libvirtd;

    public Domains(Libvirtd libvirtd) {
        this.libvirtd = libvirtd;
    }

    public Libvirtd libvirtd() {
        return libvirtd;
    }

    /** Defines (persistently) the domain of {@code spec}; its XML is kept in the daemon's directory. */
    public void define(DomainSpec spec) throws IOException {
        Path xml = libvirtd.dir().resolve("domain-" + spec.name() + ".xml");
        Files.writeString(xml, spec.toXml());
        libvirtd.virshMust(60, "define", xml.toString());
    }

    public void start(String name) {
        libvirtd.virshMust(60, "start", name);
    }

    /** Stops the domain at once (its QEMU process ends). */
    public void destroy(String name) {
        libvirtd.virshMust(60, "destroy", name);
    }

    public void undefine(String name) {
        libvirtd.virshMust(60, "undefine", name);
    }

    /** The domain's state as virsh domstate says it (running, shut off, paused...), or null if this daemon has no such domain. */
    public String state(String name) {
        Sh.Result r = libvirtd.virsh(30, "domstate", name);
        return r.ok() ? r.out().strip() : null;
    }

    /** The names of the domains this daemon knows, running or not. */
    public List<String> names() {
        return libvirtd.virshMust(30, "list", "--all", "--name").lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** What {@link #migrateLive} did: from where to where, when, how long, and the downtime QEMU reported. */
    public record Migration(Libvirtd from, Libvirtd to, long startedMillis, long tookMillis, long downtimeMillis,
                            String output) {
    }

    /**
     * Live-migrates running domain {@code name} to {@code to}, peer to peer over the underlay:
     * {@code virsh migrate --live --p2p --persistent --undefinesource --verbose NAME <to's
     * tcp URI> --migrateuri tcp://<to's underlay address>}: this daemon connects to the other one,
     * QEMU's memory stream goes between the two hosts' underlay addresses, the domain ends up
     * defined on {@code to} only. With {@code maxDowntimeMillis} &gt; 0 the tolerated downtime of
     * the final copy is set first (virsh migrate-setmaxdowntime; QEMU's default is 300 ms).
     * QEMU on the destination announces the guest's MAC when it resumes (RARP, or a gratuitous
     * ARP by the guest's virtio driver).
     */
    public Migration migrateLive(String name, Libvirtd to, int maxDowntimeMillis) {
        if (to == libvirtd) {
            throw new IllegalArgumentException("cannot migrate " + name + " from " + libvirtd.host().name() + " to itself");
        }
        if (maxDowntimeMillis > 0) {
            libvirtd.virshMust(30, "migrate-setmaxdowntime", name, Integer.toString(maxDowntimeMillis));
        }
        long started = System.currentTimeMillis();
        long t0 = System.nanoTime();
        Sh.Result r = libvirtd.virsh(180, "migrate", "--live", "--p2p", "--persistent", "--undefinesource", "--verbose",
                name, to.tcpUri(), "--migrateuri", "tcp://" + to.host().ip());
        long took = (System.nanoTime() - t0) / 1_000_000;
        if (!r.ok()) {
            throw new IllegalStateException("migrating " + name + " from " + libvirtd.host().name() + " to "
                    + to.host().name() + " failed (exit " + r.exit() + "):\n" + r.out() + "\nsource " + libvirtd.logs()
                    + "\ndestination " + to.logs() + "\ndestination QEMU log:\n" + Shell.tail(to.qemuLog(name), 3000));
        }
        Sh.Result job = to.virsh(30, "domjobinfo", name, "--completed");
        return new Migration(libvirtd, to, started, took, downtime(job.out()), r.out());
    }

    /** The "Total downtime" of a {@code virsh domjobinfo --completed}, in ms, or -1 when it does not say. */
    static long downtime(String domjobinfo) {
        Matcher m = DOWNTIME.matcher(domjobinfo);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
