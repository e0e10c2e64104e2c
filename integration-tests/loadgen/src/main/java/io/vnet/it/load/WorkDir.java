package io.vnet.it.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run's temporary work directory, emptied after the run but for its logs: a manager's H2 database
 * of a 10,000-agent run grows to gigabytes, and runs left behind filled this machine's disk.
 */
public final class WorkDir {
    private WorkDir() {
    }

    /**
     * Deletes everything under {@code dir} but the files named *.log (and the directories holding
     * them); returns the bytes freed. Missing: nothing to do.
     */
    public static long keepLogsOnly(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long freed = 0;
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.sorted(Comparator.reverseOrder()).toList(); // children before their directory
        }
        for (Path p : all) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> left = Files.list(p)) {
                    if (left.findAny().isEmpty() && !p.equals(dir)) {
                        Files.delete(p);
                    }
                }
            } else if (!p.getFileName().toString().endsWith(".log")) {
                freed += Files.size(p);
                Files.delete(p);
            }
        }
        return freed;
    }

    /** Deletes {@code dir} and everything under it. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
