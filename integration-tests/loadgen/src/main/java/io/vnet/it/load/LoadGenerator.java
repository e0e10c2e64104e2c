package io.vnet.it.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The load generator's command (scripts/loadgen.sh): thousands of simulated agents against one or
 * more managers over loopback, and what the managers made of them (README.md). Without {@code
 * --managers} it starts a manager of its own for the run ({@link ManagerRunner}), or with {@code
 * --start-managers 2} a cluster of two on {@code --jdbc}'s PostgreSQL, and stops them after (also
 * from a shutdown hook). With {@code --jdbc} the started managers get a fresh schema ({@link
 * PgSchema}), dropped at the end. Prints the table at the end, writes {@code --out} as JSON; exits 2
 * on bad flags, 1 on a failure (never for a performance target not met).
 */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions o;
        try {
            o = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Result r;
        try {
            r = o.managers().isEmpty() ? startAndRun(o) : new LoadRun(o, System.err).run(new LoadRun.Target(o.managers(),
                    o.api(), o.adminUser(), LoadRun.firstLine(o.adminPasswordFile()), LoadRun.firstLine(o.metricsTokenFile()),
                    o.managerPid(), "as configured"));
        } catch (Exception e) {
            System.err.println("loadgen: failed: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        System.out.println(r.table());
        if (o.out() != null) {
            r.write(o.out());
            System.err.println("loadgen: wrote " + o.out());
        }
        System.exit(0);
    }

    /** Starts the manager (or the cluster of two), runs, stops them and drops the run's schema. */
    private static Result startAndRun(LoadOptions o) throws Exception {
        boolean temporary = o.workDir() == null;
        Path work = temporary ? Files.createTempDirectory("vnet-loadgen") : o.workDir();
        PgSchema schema = o.jdbcUrl() != null && o.jdbcUrl().startsWith("jdbc:postgresql:") ? PgSchema.create(o.jdbcUrl())
                : null;
        String url = schema != null ? schema.url() : o.jdbcUrl();
        String store = o.jdbcUrl() == null ? "H2" : schema == null ? "as --jdbc says"
                : "PostgreSQL" + (schema.schema() != null ? ", schema " + schema.schema() + " (dropped at the end)"
                : ", its currentSchema");
        if (schema != null) {
            System.err.println("loadgen: the managers' store: " + PgSchema.redact(url));
        }
        List<ManagerRunner> managers = new CopyOnWriteArrayList<>();
        Runnable stop = () -> {
            stopAll(managers);
            if (schema != null) {
                schema.close();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "loadgen-stop"));
        try {
            if (o.startManagers() == 1) {
                System.err.println("loadgen: starting a manager (work directory " + work + ")");
                ManagerRunner m = ManagerRunner.start(o.repo(), o.ca(), work, url, o.managerHeap());
                managers.add(m);
                System.err.println("loadgen: manager " + m.pid() + " takes agents on " + m.agentAddress() + ", API "
                        + m.http() + ", log " + m.log());
                return new LoadRun(o, System.err).run(new LoadRun.Target(List.of(m.agentAddress()), m.http(), "admin",
                        m.adminPassword(), m.metricsToken(), m.pid(), store));
            }
            List<ManagerRunner.Cluster> members = new ArrayList<>();
            List<Path> dirs = new ArrayList<>();
            for (int i = 1; i <= o.startManagers(); i++) {
                members.add(ManagerRunner.Cluster.of("m" + i));
                dirs.add(work.resolve("m" + i));
            }
            System.err.println("loadgen: starting a cluster of " + members.size() + " managers (work directories " + dirs
                    + ")");
            managers.addAll(ManagerRunner.startCluster(o.repo(), o.ca(), dirs, url, o.managerHeap(), members));
            List<LoadRun.Member> targets = new ArrayList<>();
            for (ManagerRunner m : managers) {
                System.err.println("loadgen: manager " + m.clusterId() + " (pid " + m.pid() + ") takes agents on "
                        + m.agentAddress() + ", API " + m.http() + ", log " + m.log());
                targets.add(new LoadRun.Member(m.clusterId(), m.agentAddress(), m.http(), m.adminPassword(),
                        m.metricsToken(), m.pid()));
            }
            return new LoadRun(o, System.err).run(LoadRun.Target.cluster(targets, "admin", store));
        } finally {
            stop.run();
            if (temporary) {
                long freed = WorkDir.keepLogsOnly(work);
                System.err.println("loadgen: " + (freed >> 20) + " MiB of the managers' files deleted; their logs stay in "
                        + work);
            }
        }
    }

    /** Stops every manager by its pid (SIGTERM, SIGKILL after 15 s), all at once. */
    static void stopAll(List<ManagerRunner> managers) {
        List<Thread> stopping = new ArrayList<>();
        for (ManagerRunner m : managers) {
            Thread t = new Thread(m::close, "loadgen-stop-" + m.pid());
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
