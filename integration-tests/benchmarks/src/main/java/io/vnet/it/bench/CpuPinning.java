package io.vnet.it.bench;

import io.vnet.it.fabric.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Restricts processes (each with all its threads and descendants) to one CPU, by pid: in a
 * cpuset cgroup of their own when this machine has a cpuset controller that lets one be made
 * (cgroup v1's {@code cpuset} hierarchy, or cgroup v2 with {@code cpuset} in the root's
 * controllers), else with {@code taskset -a -c -p CPU PID} (sched_setaffinity on every thread
 * that exists then). Either way it then checks {@code Cpus_allowed_list} of every thread.
 * {@link #close()} removes the cgroups it made once their processes are gone (call it after
 * they were stopped); a process still in one is moved back to the hierarchy's root first.
 */
public final class CpuPinning implements AutoCloseable {
    /** How the processes are restricted. */
    public enum Method {
        CGROUP_V1_CPUSET, CGROUP_V2_CPUSET, TASKSET
    }

    private final Method method;
    /** The cpuset hierarchy's root directory (null with taskset). */
    private final Path root;
    private final List<Path> made = new ArrayList<>();
    private final String prefix = "vnet-bench-" + ProcessHandle.current().pid() + "-";

    private CpuPinning(Method method, Path root) {
        this.method = method;
        this.root = root;
    }

    /** Finds the best way this machine offers; makes nothing yet. */
    public static CpuPinning detect() {
        Optional<Path> v1 = mountOf("cgroup", "cpuset");
        if (v1.isPresent() && canMakeIn(v1.get())) {
            return new CpuPinning(Method.CGROUP_V1_CPUSET, v1.get());
        }
        Optional<Path> v2 = mountOf("cgroup2", null);
        if (v2.isPresent() && read(v2.get().resolve("cgroup.controllers")).contains("cpuset") && canMakeIn(v2.get())) {
            return new CpuPinning(Method.CGROUP_V2_CPUSET, v2.get());
        }
        if (!Sh.run("sh", "-c", "command -v taskset").ok()) {
            throw new IllegalStateException("no cpuset cgroup can be made here and there is no taskset (Debian package"
                    + " util-linux) to pin the agents with");
        }
        return new CpuPinning(Method.TASKSET, null);
    }

    public Method method() {
        return method;
    }

    /** One sentence for the report: how the processes were pinned. */
    public String describe() {
        return switch (method) {
            case CGROUP_V1_CPUSET -> "a cpuset cgroup (v1, hierarchy at " + root + ") per agent, made for the run"
                    + " with cpuset.cpus set to its CPU, the agent's JVM moved in by pid (cgroup.procs: all its threads,"
                    + " and any it starts later)";
            case CGROUP_V2_CPUSET -> "a cgroup v2 per agent (at " + root + ", cpuset controller) with cpuset.cpus set"
                    + " to its CPU, the agent's JVM moved in by pid (cgroup.procs)";
            case TASKSET -> "pinned with taskset (sched_setaffinity) on every thread; no cpuset cgroup here";
        };
    }

    /**
     * Restricts {@code pid} and its descendants to {@code cpu}; {@code name} names its cgroup.
     * Returns what the check found, e.g. "41 threads on CPU 0"; throws if any thread may run
     * elsewhere.
     */
    public String pin(String name, long pid, int cpu) throws IOException {
        List<Long> pids = tree(pid);
        switch (method) {
            case CGROUP_V1_CPUSET, CGROUP_V2_CPUSET -> {
                Path dir = root.resolve(prefix + name);
                if (!Files.isDirectory(dir)) {
                    Files.createDirectory(dir);
                    made.add(dir);
                }
                if (method == Method.CGROUP_V1_CPUSET) {
                    // v1 wants memory nodes before it takes tasks: the root's
                    write(dir.resolve("cpuset.mems"), read(root.resolve("cpuset.mems")).trim());
                } else {
                    enableCpusetV2();
                }
                write(dir.resolve("cpuset.cpus"), Integer.toString(cpu));
                for (long p : pids) {
                    write(dir.resolve("cgroup.procs"), Long.toString(p));
                }
            }
            case TASKSET -> {
                for (long p : pids) {
                    Sh.Result r = Sh.run(10, List.of("taskset", "-a", "-c", "-p", Integer.toString(cpu), Long.toString(p)));
                    if (!r.ok()) {
                        throw new IllegalStateException("taskset -a -c -p " + cpu + " " + p + " failed: " + r.out());
                    }
                }
            }
        }
        return check(pids, cpu);
    }

    /** Every thread of these processes may run on {@code cpu} only; returns how many were checked. */
    public static String check(List<Long> pids, int cpu) throws IOException {
        int threads = 0;
        String want = Integer.toString(cpu);
        for (long p : pids) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(p), "task"))) {
                for (Path task : tasks.toList()) {
                    String allowed = statusField(task.resolve("status"), "Cpus_allowed_list:");
                    if (allowed == null) {
                        continue; // the thread ended meanwhile
                    }
                    if (!allowed.equals(want)) {
                        throw new IllegalStateException("thread " + task.getFileName() + " of pid " + p
                                + " may run on CPUs " + allowed + ", not only on " + cpu);
                    }
                    threads++;
                }
            }
        }
        return threads + " threads of pid " + pids + " on CPU " + cpu + " only";
    }

    private void enableCpusetV2() throws IOException {
        Path control = root.resolve("cgroup.subtree_control");
        if (!read(control).contains("cpuset")) {
            write(control, "+cpuset");
        }
    }

    @Override
    public void close() {
        List<Path> dirs = new ArrayList<>(made);
        made.clear();
        for (Path dir : dirs) {
            for (String p : read(dir.resolve("cgroup.procs")).split("\\s+")) {
                if (!p.isBlank()) {
                    try {
                        write(root.resolve("cgroup.procs"), p); // still running: back to the whole machine
                    } catch (IOException e) {
                        System.err.println("cannot move pid " + p + " out of " + dir + ": " + e.getMessage());
                    }
                }
            }
            boolean removed = false;
            for (int i = 0; i < 50 && !removed; i++) {
                try {
                    Files.deleteIfExists(dir);
                    removed = true;
                } catch (IOException busy) {
                    sleep(100); // an exiting task may linger briefly
                }
            }
            if (!removed) {
                System.err.println("could not remove the cgroup " + dir + "; remove it with rmdir once it is empty");
            }
        }
    }

    private static List<Long> tree(long pid) {
        ProcessHandle h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .orElseThrow(() -> new IllegalStateException("process " + pid + " is gone; cannot pin it"));
        List<Long> all = new ArrayList<>(List.of(pid));
        h.descendants().forEach(d -> all.add(d.pid()));
        return all;
    }

    /** The mount point of the first mount of {@code type} whose options include {@code option} (any if null). */
    private static Optional<Path> mountOf(String type, String option) {
        for (String line : read(Path.of("/proc/mounts")).split("\n")) {
            String[] f = line.split(" ");
            if (f.length >= 4 && f[2].equals(type)
                    && (option == null || List.of(f[3].split(",")).contains(option))) {
                return Optional.of(Path.of(f[1]));
            }
        }
        return Optional.empty();
    }

    private static boolean canMakeIn(Path hierarchy) {
        Path probe = hierarchy.resolve("vnet-bench-probe-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(probe);
            Files.delete(probe);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String statusField(Path status, String key) {
        for (String line : read(status).split("\n")) {
            if (line.startsWith(key)) {
                return line.substring(key.length()).trim();
            }
        }
        return null;
    }

    private static void write(Path p, String value) throws IOException {
        try {
            Files.writeString(p, value);
        } catch (IOException e) {
            throw new IOException("writing " + value + " to " + p + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
