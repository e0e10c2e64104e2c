package io.vnet.hostagent;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Writes vnetctl's completion scripts into a directory at build time, for the packages: vnetctl.bash and _vnetctl (zsh). */
public final class Completions {
    private Completions() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        Files.writeString(dir.resolve("vnetctl.bash"), VnetCtl.Completion.script("bash", new CommandLine(new VnetCtl())));
        Files.writeString(dir.resolve("_vnetctl"), VnetCtl.Completion.script("zsh", new CommandLine(new VnetCtl())));
    }
}
