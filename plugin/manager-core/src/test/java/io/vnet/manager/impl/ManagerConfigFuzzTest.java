package io.vnet.manager.impl;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.Rejections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * The manager's configuration file, any bytes: {@link ManagerConfig#load} accepts it or refuses it
 * with an {@link IOException} that says what is wrong, and nothing else.
 */
@Fuzzing
class ManagerConfigFuzzTest {
    private static Path file;

    @BeforeAll
    static void setUp() throws IOException {
        file = Files.createTempFile("vnet-manager-fuzz", ".json");
        file.toFile().deleteOnExit();
    }

    @FuzzTest
    @DictionaryEntries({"\"agentListen\"", "\"vttif\"", "\"tls\"", "\"adaptation\"", "\"migration\"", "\"cloudstack\"",
            "\"libvirt\"", "\"mode\"", "\"windowMs\"", "\"stableMs\"", "\"pruneThreshold\"", "\"minPairRate\"",
            "\"evaluateMs\"", "\"matrixEveryMs\"", "\"tickMs\"", "\"minIntervalMs\"", "\"settleMs\"", "\"measureMs\"",
            "\"hostCapacity\"", "\"command\"", "\"reactive\"", "\"damped\"", "0.0.0.0:5900"})
    void load(byte[] text) {
        try {
            Files.write(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Rejections.only(IOException.class, () -> ManagerConfig.load(file));
    }
}
