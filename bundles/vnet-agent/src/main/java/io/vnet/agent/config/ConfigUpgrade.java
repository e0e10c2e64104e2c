package io.vnet.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code vnet-agent --upgrade-config FILE} (the package's postinst runs it on every upgrade): rewrites a
 * configuration an older version wrote into what this version takes, and says what it chose. Now one
 * change: a link without {@code vnis} (older versions let a link carry every network) carries all the
 * networks of the file ({@code networks} and {@code lan}), as it did then. The original is kept as
 * {@code FILE.dpkg-old}; a file that needs nothing is left as it is. Everything else is the agent's
 * own checks' business ({@code --check}).
 */
public final class ConfigUpgrade {
    private ConfigUpgrade() {
    }

    /** What an upgrade of one file did: the lines it says, and whether it wrote the file. */
    public record Result(List<String> said, boolean rewritten) {
    }

    /**
     * Upgrades {@code file} in place.
     *
     * @throws ConfigException a file that is not a JSON object (left as it is)
     */
    public static Result upgrade(Path file) throws ConfigException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("config " + file + ": cannot read it: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("config " + file + ": not a JSON object; left as it is", null);
        }
        List<String> said = new ArrayList<>();
        TreeSet<Integer> all = new TreeSet<>();
        for (String section : List.of("networks", "lan")) {
            root.path(section).forEach(n -> {
                if (n.path("vni").canConvertToInt()) {
                    all.add(n.path("vni").asInt());
                }
            });
        }
        for (JsonNode link : root.path("links")) {
            if (link.isObject() && !link.has("vnis")) {
                ArrayNode v = ((ObjectNode) link).putArray("vnis");
                all.forEach(v::add);
                said.add(file + ": link " + link.path("id").asText("?") + " named no networks (\"vnis\"), as older versions"
                        + " allowed; it now carries " + all + ", every network of the file, as it did then");
            }
        }
        if (said.isEmpty()) {
            return new Result(List.of(file + ": nothing to upgrade"), false);
        }
        try {
            Files.copy(file, file.resolveSibling(file.getFileName() + ".dpkg-old"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            try {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the default permissions
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ConfigException("config " + file + ": cannot write the upgraded file: " + e.getMessage(), e);
        }
        said.add(file + ": upgraded; the original is " + file.getFileName() + ".dpkg-old");
        return new Result(List.copyOf(said), true);
    }
}
