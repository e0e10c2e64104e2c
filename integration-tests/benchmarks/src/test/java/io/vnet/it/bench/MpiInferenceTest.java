package io.vnet.it.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MPI benchmarks' own arithmetic: LAMMPS's thermo lines as iterations, medians on the wall clock. */
class MpiInferenceTest {
    @TempDir
    Path dir;

    @Test
    void lammpsIterationsAreTheTimesBetweenThermoLinesAndTheRunMustHaveEnded() throws Exception {
        Path log = dir.resolve("log.lammps");
        Files.writeString(log, String.join("\n",
                "Setting up Verlet run ...",
                "Per MPI rank memory allocation (min/avg/max) = 3.1 | 3.1 | 3.1 Mbytes",
                "   Step          Temp          PotEng         Press           CPU      ",
                "         0   1.44          -6.7733681     -5.0196948      0            ",
                "        50   0.7574        -5.7585054      0.65029578     0.5          ",
                "       100   0.75905       -5.7604231      0.69069752     1.25         ",
                "       150   0.75732       -5.7570428      0.69816009     1.75         ",
                "Loop time of 1.75 on 8 procs for 150 steps with 6912 atoms",
                "",
                "Performance: 37028.571 tau/day, 85.714 timesteps/s"));
        JsonNode r = MpiInference.lammpsResult("", log);
        assertEquals(150, r.path("steps").asInt());
        double[] s = new double[r.path("seconds").size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = r.path("seconds").get(i).asDouble();
        }
        assertArrayEquals(new double[] {0.5, 0.75, 0.5}, s, 1e-12);

        Files.writeString(log, "   Step          Temp\n         0   1.44\n        50   0.75\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MpiInference.lammpsResult("out", log));
        assertTrue(e.getMessage().contains("no loop time"), e.getMessage());
    }

    @Test
    void theMedianIsOfTheIterationsThatBeganFromTheGivenTime() {
        MpiInference.Case c = MpiInference.cases(8).get(0);
        // iterations begin at 1000, 1100, 1300, 1600, 2000 (ms)
        MpiInference.Outcome o = new MpiInference.Outcome(c, 8, 1000, 2400, List.of(), null,
                new double[] {0.1, 0.2, 0.3, 0.4, 0.4});
        assertEquals(300, MpiAdaptation.medianFrom(o, 0), 1e-9);
        assertEquals(400, MpiAdaptation.medianFrom(o, 1300), 1e-9, "0.3, 0.4, 0.4 from 1300 on");
        assertEquals(400, MpiAdaptation.medianFrom(o, 1301), 1e-9, "0.4, 0.4");
        assertTrue(Double.isNaN(MpiAdaptation.medianFrom(o, 5000)));
    }

    @Test
    void theExpectedClassesAreWrittenForEightAndSixteenRanksOnly() {
        assertEquals("STAR", MpiInference.cases(8).stream().filter(c -> c.pattern().equals("bcast")).findFirst()
                .orElseThrow().expected(), "Open MPI 4.1.4 broadcasts 64 KiB to 8 ranks linearly");
        assertEquals("TREE_BROADCAST", MpiInference.cases(16).stream().filter(c -> c.pattern().equals("bcast"))
                .findFirst().orElseThrow().expected(), "... and to 16 ranks down a binomial tree");
        assertThrows(IllegalArgumentException.class, () -> MpiInference.cases(12));
    }
}
