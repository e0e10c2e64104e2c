package io.vnet.manager.cloudstack.cli;

import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.cloudstack.impl.CloudStackClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vnet-cloudstack}: sets CloudStack up for VNET ({@code setup}) and checks the connection
 * ({@code check}). Exit status: 0 done, 1 CloudStack answered an error or could not be reached
 * (or a file could not be read), 2 a usage error, 3 anything else.
 */
@Command(name = "vnet-cloudstack", mixinStandardHelpOptions = true, version = "vnet-cloudstack 0.1.0",
        description = "Set Apache CloudStack up for VNET Home Networks, or check the connection to it.",
        subcommands = {SetupCommand.class, CheckCommand.class})
public final class VnetCloudStack {
    /** The connection options of every subcommand. */
    static final class Connection {
        @Option(names = "--url", required = true, description = "CloudStack's API URL, e.g. http://cloudstack:8080/client/api")
        URI url;

        @Option(names = "--api-key", required = true, description = "an administrator's API key")
        String apiKey;

        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Secret secret;

        static final class Secret {
            @Option(names = "--secret-key", required = true, description = "its secret key")
            String value;

            @Option(names = "--secret-key-file", required = true, description = "a file holding its secret key")
            Path file;
        }

        CloudStackClient client() throws IOException {
            String key = secret.value != null ? secret.value
                    : Files.readString(secret.file, StandardCharsets.UTF_8).strip();
            return new CloudStackClient(new CloudStackClient.Settings(url, apiKey, key, Duration.ofMinutes(5),
                    Duration.ofSeconds(30), 500), Clock.systemUTC());
        }
    }

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with these outputs; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new VnetCloudStack());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            cmd.getErr().println("vnet-cloudstack: " + ex.getMessage());
            if (ex instanceof CommandLine.ParameterException) {
                return 2;
            }
            return ex instanceof CloudStackException || ex instanceof IOException ? 1 : 3;
        });
        return cl.execute(args);
    }
}
