package io.vnet.manager.cloudstack.cli;

import picocli.CommandLine.ArgGroup;

/** The connection options (--url, --api-key, --secret-key or --secret-key-file), shared by the subcommands. */
final class ConnectionMixin {
    @ArgGroup(exclusive = false, multiplicity = "1", heading = "CloudStack:%n")
    VnetCloudStack.Connection options;
}
