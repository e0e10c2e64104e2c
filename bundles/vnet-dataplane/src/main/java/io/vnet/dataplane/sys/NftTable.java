package io.vnet.dataplane.sys;

import java.io.IOException;
import java.lang.System.Logger.Level;

/** An nftables table of the bridge family that one agent owns: made afresh at start, deleted at close. */
public final class NftTable {
    private NftTable() {
    }

    /** Deletes bridge table {@code name} if a previous agent left it, then runs {@code script} (which makes it). */
    public static void replace(String name, String script) throws IOException {
        if (Command.run(null, "nft", "list", "table", "bridge", name).exit() == 0) {
            Command.must(null, "nft", "delete", "table", "bridge", name);
        }
        Command.must(script, "nft", "-f", "-");
    }

    /** Deletes bridge table {@code name}; a failure is only logged to {@code log}. */
    public static void delete(String name, System.Logger log) {
        try {
            Command.run(null, "nft", "delete", "table", "bridge", name);
        } catch (IOException e) {
            log.log(Level.WARNING, "removing nftables table " + name + ": " + e.getMessage());
        }
    }
}
