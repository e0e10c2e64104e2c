package io.vnet.manager;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.Rejections;
import io.vnet.manager.config.ManagerConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * The manager's configuration file, any bytes: the configuration service's reader ({@link
 * ManagerConfiguration#read}) and then the core's concerns ({@link ManagerConfigTest#parse(ManagerConfiguration)}) accept
 * it or refuse it, the reader with an {@link IOException} and the concerns with an {@link
 * IllegalArgumentException} that say what is wrong, and nothing else.
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
            "\"libvirt\"", "\"mode\"", "\"windowMs\"", "\"stableMs\"", "\"pruneThreshold\"", "\"minPairRate\"", "\"dominantShare\"",
            "\"evaluateMs\"", "\"matrixEveryMs\"", "\"tickMs\"", "\"minIntervalMs\"", "\"settleMs\"", "\"measureMs\"",
            "\"hostCapacity\"", "\"command\"", "\"reactive\"", "\"damped\"", "0.0.0.0:5900"})
    void load(byte[] text) {
        try {
            Files.write(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Rejections.only(IOException.class, () -> {
            ManagerConfiguration cfg = ManagerConfiguration.read(file);
            try {
                ManagerConfigTest.parse(cfg);
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e); // what the components report, as "config FILE: ..."
            }
            return cfg;
        });
    }
}
