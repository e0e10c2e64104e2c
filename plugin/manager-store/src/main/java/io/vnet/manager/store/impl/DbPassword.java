package io.vnet.manager.store.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Where the manager's database password comes from, first found wins: a file named by the
 * framework property {@value #FILE_PROPERTY} or the environment variable {@value #FILE_ENV} (its
 * first line; the file should be readable by the manager's user only), the environment variable
 * {@value #ENV}, or, discouraged, the framework property {@code vnet.manager.db.password}: a
 * property given on the command line (--fw) is visible to every local user in the process list,
 * so that source is named in a warning at every start. None: no password.
 */
final class DbPassword {
    static final String FILE_PROPERTY = "vnet.manager.db.passwordFile";
    static final String FILE_ENV = "VNET_DB_PASSWORD_FILE";
    static final String ENV = "VNET_DB_PASSWORD";
    /** A password file larger than this is not a password file. */
    static final int MAX_FILE = 4096;

    /** The password ({@code null}: none) and where it came from, with a warning to log or null. */
    record Found(String password, String source, String warning) {
    }

    private DbPassword() {
    }

    /**
     * Finds the password. {@code property} reads framework properties, {@code env} environment
     * variables (both return null for unset). Throws IllegalArgumentException, naming the file, when
     * a named file cannot be read, is too big or is empty.
     */
    static Found resolve(UnaryOperator<String> property, UnaryOperator<String> env) {
        String file = blankToNull(property.apply(FILE_PROPERTY));
        String fileSource = FILE_PROPERTY;
        if (file == null) {
            file = blankToNull(env.apply(FILE_ENV));
            fileSource = FILE_ENV;
        }
        if (file != null) {
            return fromFile(Path.of(file), fileSource);
        }
        String fromEnv = blankToNull(env.apply(ENV));
        if (fromEnv != null) {
            return new Found(fromEnv, "environment " + ENV, null);
        }
        String prop = blankToNull(property.apply(StoreComponent.PASSWORD_PROPERTY));
        if (prop != null) {
            return new Found(prop, "property " + StoreComponent.PASSWORD_PROPERTY, "the database password is given as"
                    + " the property " + StoreComponent.PASSWORD_PROPERTY + ", which a command line shows to every"
                    + " local user: put it in a file named by " + FILE_PROPERTY + " (or " + FILE_ENV + "), or in "
                    + ENV);
        }
        return new Found(null, "none", null);
    }

    private static Found fromFile(Path path, String source) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_FILE + 1);
        } catch (IOException e) {
            throw new IllegalArgumentException("database password file " + path + " (" + source + "): cannot read it: "
                    + e.getMessage());
        }
        if (bytes.length > MAX_FILE) {
            throw new IllegalArgumentException("database password file " + path + " (" + source + "): larger than "
                    + MAX_FILE + " bytes, not a password file");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String line = (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
        if (line.isEmpty()) {
            throw new IllegalArgumentException("database password file " + path + " (" + source + "): its first line"
                    + " is empty");
        }
        String warning = null;
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                warning = "database password file " + path + " is readable by others than its owner: chmod 600 it";
            }
        } catch (IOException | UnsupportedOperationException e) {
            // permissions unknown: nothing to warn about
        }
        return new Found(line, "file " + path, warning);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
