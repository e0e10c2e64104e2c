package io.vnet.manager.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The manager's configuration file (JSON), read once by the configuration service and handed to
 * each bundle by field: a bundle asks only for the top-level fields it owns (those its manifest
 * lists in {@value #FIELDS_HEADER}) and parses them itself; files they name are relative to
 * the file's folder ({@link #resolve}).
 */
public interface ManagerConfiguration {
    /** The framework property that names the file. */
    String PROPERTY = "vnet.manager.config";
    /** The manifest header in which a bundle lists the top-level fields it owns, comma-separated. */
    String FIELDS_HEADER = "VNet-Manager-Config";
    /** The largest file read (a configuration is a few KiB; anything this big is a mistake). */
    long MAX_BYTES = 1 << 20;

    /** The file, or empty when the framework names none. */
    Optional<Path> file();

    /** The value of top-level field {@code name}: {@link MissingNode} when the file has none (or is null there). */
    JsonNode field(String name);

    /** The file's top-level fields, sorted. */
    java.util.SortedSet<String> fieldNames();

    /** Whether the file has top-level field {@code name} (not null). */
    default boolean has(String name) {
        return !field(name).isMissingNode();
    }

    /** {@code path} relative to the file's folder ({@link #folder}). */
    default Path resolve(String path) {
        return folder().resolve(path);
    }

    /** The folder the files the configuration names are relative to: the file's, else the working directory. */
    default Path folder() {
        Path dir = file().map(f -> f.toAbsolutePath().getParent()).orElse(null);
        return dir != null ? dir : Path.of("").toAbsolutePath();
    }

    /** {@code message} as an error of this file: "config FILE: message". */
    default IllegalArgumentException error(String message, Throwable cause) {
        return new IllegalArgumentException("config " + file().map(Path::toString).orElse("(none)") + ": " + message,
                cause);
    }

    /** No file: every field missing. */
    static ManagerConfiguration none() {
        return of(null, Json.object());
    }

    /** The configuration {@code root} read from {@code file} (null: none). */
    static ManagerConfiguration of(Path file, ObjectNode root) {
        ObjectNode copy = root.deepCopy();
        return new ManagerConfiguration() {
            @Override
            public Optional<Path> file() {
                return Optional.ofNullable(file);
            }

            @Override
            public java.util.SortedSet<String> fieldNames() {
                java.util.SortedSet<String> out = new java.util.TreeSet<>();
                copy.fieldNames().forEachRemaining(out::add);
                return java.util.Collections.unmodifiableSortedSet(out);
            }

            @Override
            public JsonNode field(String name) {
                JsonNode v = copy.get(name);
                return v == null || v.isNull() ? MissingNode.getInstance() : v.deepCopy();
            }

            @Override
            public String toString() {
                return file == null ? "no configuration file" : file.toString();
            }
        };
    }

    /**
     * Reads {@code file}: a JSON object of at most {@value #MAX_BYTES} bytes (an empty file is an
     * empty object). Which fields it may have is the configuration service's check, not this one's.
     *
     * @throws IOException "config FILE: ..." when it cannot be read or is not a JSON object
     */
    static ManagerConfiguration read(Path file) throws IOException {
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IOException(Files.size(file) + " bytes, at most " + MAX_BYTES);
            }
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            throw new IOException("config " + file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = Json.object();
        }
        if (!root.isObject()) {
            throw new IOException("config " + file + ": expected an object, got " + root.getNodeType().name()
                    .toLowerCase(java.util.Locale.ROOT));
        }
        return of(file, (ObjectNode) root);
    }
}
