package io.vnet.agent.config;

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
 * The agent's configuration file, any bytes: {@link AgentConfig#load} accepts it or refuses it with
 * a {@link ConfigException} that says what is wrong, and nothing else.
 */
@Fuzzing
class AgentConfigFuzzTest {
    private static Path file;

    @BeforeAll
    static void setUp() throws IOException {
        file = Files.createTempFile("vnet-agent-fuzz", ".json");
        file.toFile().deleteOnExit();
    }

    @FuzzTest
    @DictionaryEntries({"\"hostId\"", "\"role\"", "\"listen\"", "\"control\"", "\"networks\"", "\"links\"", "\"rules\"",
            "\"vni\"", "\"tap\"", "\"bridge\"", "\"mtu\"", "\"lans\"", "\"device\"", "\"libvirt\"", "\"uri\"",
            "\"resyncMs\"", "\"attach\"", "\"bridgePrefix\"", "\"tapPrefix\"", "\"proxy\"", "\"host\"", "\"tls\"",
            "\"manager\"", "\"stateFile\"", "0.0.0.0:5800"})
    void load(byte[] text) {
        try {
            Files.write(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Rejections.only(ConfigException.class, () -> AgentConfig.load(file));
    }
}
