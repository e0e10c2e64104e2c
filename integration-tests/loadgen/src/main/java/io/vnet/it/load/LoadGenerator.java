package io.vnet.it.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The load generator's command (scripts/loadgen.sh): thousands of simulated agents against one or
 * more managers over loopback, and what the managers made of them (README.md). Without {@code
 * --managers} it starts a manager of its own for the run ({@link ManagerRunner}) and stops it after.
 * Prints the table at the end, writes {@code --out} as JSON; exits 2 on bad flags, 1 on a failure.
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
        if (o.managers().isEmpty()) {
            Path work = o.workDir() != null ? o.workDir() : Files.createTempDirectory("vnet-loadgen");
            System.err.println("loadgen: starting a manager (work directory " + work + ")");
            try (ManagerRunner m = ManagerRunner.start(o.repo(), o.ca(), work, o.jdbcUrl(), o.managerHeap())) {
                Runtime.getRuntime().addShutdownHook(new Thread(m::close));
                System.err.println("loadgen: manager " + m.pid() + " takes agents on " + m.agentAddress() + ", API "
                        + m.http() + ", log " + m.log());
                r = new LoadRun(o, System.err).run(new LoadRun.Target(List.of(m.agentAddress()), m.http(), "admin",
                        m.adminPassword(), m.metricsToken(), m.pid(), o.jdbcUrl() == null ? "H2" : "PostgreSQL"));
            }
        } else {
            r = new LoadRun(o, System.err).run(new LoadRun.Target(o.managers(), o.api(), o.adminUser(),
                    LoadRun.firstLine(o.adminPasswordFile()), LoadRun.firstLine(o.metricsTokenFile()), o.managerPid(),
                    "as configured"));
        }
        System.out.println(r.table());
        if (o.out() != null) {
            r.write(o.out());
            System.err.println("loadgen: wrote " + o.out());
        }
        System.exit(0);
    }
}
