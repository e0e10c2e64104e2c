package io.vnet.dataplane.pcap;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the system's libpcap for pcap4j. pcap4j asks JNA for "pcap", that is libpcap.so,
 * which only the development package installs; Debian's runtime package has
 * libpcap.so.0.8 (a link to libpcap.so.1.x). The path found is given to pcap4j in the system
 * property {@value #PROPERTY} before pcap4j loads; a path set there already is kept.
 */
public final class LibPcap {
    /** pcap4j reads the library's name or path from this property once, when it loads. */
    public static final String PROPERTY = "org.pcap4j.core.pcapLibName";
    private static final Pattern NAME = Pattern.compile("libpcap\\.so((?:\\.\\d+)*)");
    private static final List<Path> DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/lib/aarch64-linux-gnu"),
            Path.of("/usr/lib64"), Path.of("/lib64"), Path.of("/usr/local/lib"), Path.of("/usr/lib"), Path.of("/lib"));

    private LibPcap() {
    }

    /**
     * Sets {@value #PROPERTY} to the library found, unless set already, and returns its value.
     *
     * @throws IOException naming the directories searched when there is no libpcap
     */
    public static synchronized String configure() throws IOException {
        String set = System.getProperty(PROPERTY);
        if (set != null && !set.isBlank()) {
            return set;
        }
        List<Path> dirs = new ArrayList<>(DIRS);
        dirs.addAll(multiarchDirs(Path.of("/usr/lib")));
        Path lib = find(dirs).orElseThrow(() -> new IOException("libpcap not found in " + dirs
                + ": a LAN device needs it (on Debian: apt-get install libpcap0.8), or set the system property "
                + PROPERTY + " to its path"));
        System.setProperty(PROPERTY, lib.toString());
        return lib.toString();
    }

    /**
     * The libpcap to load from {@code dirs}: in the first directory that has one, plain
     * libpcap.so if present, else the highest version (libpcap.so.1.10.3 before
     * libpcap.so.0.8).
     */
    static Optional<Path> find(List<Path> dirs) {
        for (Path dir : dirs) {
            List<Path> found = new ArrayList<>();
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "libpcap.so*")) {
                for (Path p : s) {
                    if (NAME.matcher(p.getFileName().toString()).matches() && Files.isReadable(p)) {
                        found.add(p);
                    }
                }
            } catch (IOException e) {
                continue;
            }
            Optional<Path> best = found.stream().max(Comparator.comparing(LibPcap::rank));
            if (best.isPresent()) {
                return best;
            }
        }
        return Optional.empty();
    }

    /** Orders libpcap.so above every versioned name, and versions numerically. */
    private static VersionRank rank(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        m.matches();
        String v = m.group(1);
        if (v.isEmpty()) {
            return new VersionRank(true, new int[0]);
        }
        String[] parts = v.substring(1).split("\\.");
        int[] n = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            n[i] = Integer.parseInt(parts[i]);
        }
        return new VersionRank(false, n);
    }

    private record VersionRank(boolean plain, int[] version) implements Comparable<VersionRank> {
        @Override
        public int compareTo(VersionRank o) {
            if (plain != o.plain) {
                return plain ? 1 : -1;
            }
            return java.util.Arrays.compare(version, o.version);
        }
    }

    private static List<Path> multiarchDirs(Path lib) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(lib, "*-linux-gnu*")) {
            s.forEach(out::add);
        } catch (IOException e) {
            // no multiarch layout
        }
        return out;
    }
}
