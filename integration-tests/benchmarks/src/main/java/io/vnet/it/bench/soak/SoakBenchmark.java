package io.vnet.it.bench.soak;

import io.vnet.it.fabric.Fabric;
import io.vnet.it.soak.Soak;
import io.vnet.it.soak.SoakOptions;
import io.vnet.it.soak.SoakReport;
import io.vnet.it.soak.SoakResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The soak as one command (run as root; {@code scripts/soak.sh}):
 * <pre>
 * java -Djava.awt.headless=true -cp "integration-tests/benchmarks/target/classes:$(cat integration-tests/benchmarks/target/classpath.txt)" \
 *     -Dvnet.repo=$PWD io.vnet.it.bench.soak.SoakBenchmark [--minutes 30 | --hours 2] [--sample-seconds 60]
 *     [--churn-seconds 30] [--phase-seconds 20] [--rate-mbit 50] [--growth-rule as-written|beyond-noise]
 *     [--out-dir integration-tests/benchmarks/target/soak]
 * </pre>
 * Writes {@code soak.md} (the table), {@code soak.csv} (every sample) and {@code soak.png} (the plots)
 * into the output folder, prints the table, and exits 1 if the soak failed, 2 on bad arguments.
 */
public final class SoakBenchmark {
    private SoakBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long durationMs = 30 * 60_000L;
        long sampleMs = -1;
        long churnMs = 30_000;
        int phaseSeconds = -1;
        SoakOptions.GrowthRule rule = SoakOptions.GrowthRule.AS_WRITTEN;
        double rateMbit = 50;
        Path outDir = Path.of("integration-tests/benchmarks/target/soak");
        SoakOptions o;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--minutes" -> durationMs = Math.round(Double.parseDouble(v) * 60_000);
                    case "--hours" -> durationMs = Math.round(Double.parseDouble(v) * 3_600_000);
                    case "--sample-seconds" -> sampleMs = Math.round(Double.parseDouble(v) * 1000);
                    case "--churn-seconds" -> churnMs = Math.round(Double.parseDouble(v) * 1000);
                    case "--phase-seconds" -> phaseSeconds = Integer.parseInt(v);
                    case "--rate-mbit" -> rateMbit = Double.parseDouble(v);
                    case "--out-dir" -> outDir = Path.of(v);
                    case "--growth-rule" -> rule = switch (v) {
                        case "as-written" -> SoakOptions.GrowthRule.AS_WRITTEN;
                        case "beyond-noise" -> SoakOptions.GrowthRule.BEYOND_NOISE;
                        default -> throw new IllegalArgumentException("--growth-rule as-written or beyond-noise");
                    };
                    default -> throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            if (durationMs < 60_000 || durationMs > 12 * 3_600_000L) {
                throw new IllegalArgumentException("a soak of 1 minute to 12 hours");
            }
            o = SoakOptions.standard(durationMs).withChurnPeriodMs(churnMs).withRateBitsPerSecond(Math.round(rateMbit * 1e6))
                    .withGrowthRule(rule);
            if (sampleMs > 0) {
                o = o.withSamplePeriodMs(sampleMs);
            }
            if (phaseSeconds > 0) {
                o = o.withPhaseSeconds(phaseSeconds);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage() + "\nusage: soak.sh [--minutes 30 | --hours 2] [--sample-seconds S]"
                    + " [--churn-seconds 30] [--phase-seconds P] [--rate-mbit 50] [--growth-rule as-written|beyond-noise]"
                    + " [--out-dir DIR]");
            System.exit(2);
            return;
        }
        String command = System.getProperty("vnet.bench.command", "SoakBenchmark " + String.join(" ", args));
        SoakResult r;
        try (Fabric fabric = Fabric.create(Fabric.repo())) {
            r = Soak.run(fabric, o, System.out);
            System.out.println("soak: the fabric's logs are in " + fabric.workDir());
        }
        String md = SoakReport.markdown(r, command);
        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve("soak.md"), md);
        SoakReport.writeCsv(r, outDir.resolve("soak.csv"));
        SoakPlot.write(r, outDir.resolve("soak.png"), String.format(Locale.ROOT,
                "VNET soak, %.0f min: every agent and the manager (%s)", (r.endMs() - r.startMs()) / 60_000.0,
                r.passed() ? "passed" : "FAILED"));
        System.out.println();
        System.out.println(md);
        System.out.println("soak: wrote " + outDir.resolve("soak.md") + ", soak.csv and soak.png");
        System.exit(r.passed() ? 0 : 1);
    }
}
