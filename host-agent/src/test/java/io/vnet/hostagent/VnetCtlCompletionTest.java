package io.vnet.hostagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The completion scripts the packages install: bash's completes vnetctl's commands, the manager's
 * subcommands and options in a real bash; zsh's loads in a real zsh and defines the same function.
 * And {@code --json} is taken anywhere on the line.
 */
class VnetCtlCompletionTest {
    @TempDir
    Path dir;

    @Test
    void bashCompletesCommandsSubcommandsAndOptions() throws Exception {
        Path script = dir.resolve("vnetctl.bash");
        Files.writeString(script, VnetCtl.Completion.script("bash", new CommandLine(new VnetCtl())));
        assertEquals(List.of("manager"), complete(script, "vnetctl", "man"));
        assertTrue(complete(script, "vnetctl", "manager", "").containsAll(List.of("login", "agents", "links", "adaptation",
                "audit", "vni-map", "topology", "traffic")), complete(script, "vnetctl", "manager", "").toString());
        assertEquals(List.of("rollback"), complete(script, "vnetctl", "manager", "adaptation", "roll"));
        assertTrue(complete(script, "vnetctl", "manager", "login", "--").containsAll(List.of("--url", "--user",
                "--password-file", "--json")));
    }

    @Test
    void zshLoadsItsScriptThroughBashcompinit() throws Exception {
        Path script = dir.resolve("_vnetctl");
        Files.writeString(script, VnetCtl.Completion.script("zsh", new CommandLine(new VnetCtl())));
        Process p = new ProcessBuilder("zsh", "-f", "-c", "source " + script + " && whence -w _complete_vnetctl")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("_complete_vnetctl: function"), out);
    }

    @Test
    void jsonIsTakenAnywhereOnTheLine() {
        for (List<String> line : List.of(List.of("--json", "manager", "agents"), List.of("manager", "--json", "agents"),
                List.of("manager", "agents", "--json"))) {
            VnetCtl root = new VnetCtl();
            new CommandLine(root).parseArgs(line.toArray(String[]::new));
            assertTrue(root.json, "--json in " + line);
        }
    }

    /** What bash's completion offers for {@code words}, the last being completed. */
    private static List<String> complete(Path script, String... words) throws Exception {
        StringBuilder w = new StringBuilder();
        for (String x : words) {
            w.append(" '").append(x).append("'");
        }
        // compopt works only inside a completion bash itself calls: a no-op here, where the test calls the function
        String cmd = "source " + script + "; compopt() { :; }; COMP_WORDS=(" + w + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _complete_vnetctl; printf '%s\\n' \"${COMPREPLY[@]}\"";
        Process p = new ProcessBuilder("bash", "--norc", "-c", cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
