package io.vnet.it.machine;

import io.vnet.it.fabric.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Where and when a run happened: date, OS, kernel, CPU, the versions of the tools measured, the load. */
public final class Machine {
    private Machine() {
    }

    /**
     * One line: the date, OS, kernel, core count and CPU model, then the first line of {@code
     * TOOL --version} for each tool named (the peers a benchmark measured), then Java's version.
     */
    public static String describe(String... tools) {
        List<String> parts = new ArrayList<>();
        parts.add("date " + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
        parts.add(osName() + ", kernel " + Sh.run("uname", "-r").out().trim());
        parts.add(Runtime.getRuntime().availableProcessors() + " cores (" + cpuModel() + ")");
        for (String tool : tools) {
            parts.add(firstLine(Sh.run(tool, "--version").out()));
        }
        parts.add("Java " + System.getProperty("java.version"));
        return String.join("; ", parts);
    }

    /** The 1-, 5- and 15-minute load averages: the machine is shared, so say how busy it was. */
    public static String loadAverage() {
        String[] f = read("/proc/loadavg").trim().split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "unknown";
    }

    /** The OS's pretty name from /etc/os-release. */
    public static String osName() {
        for (String line : read("/etc/os-release").split("\n")) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring("PRETTY_NAME=".length()).replace("\"", "");
            }
        }
        return "unknown OS";
    }

    /** The first CPU's model name from /proc/cpuinfo. */
    public static String cpuModel() {
        for (String line : read("/proc/cpuinfo").split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown CPU";
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            return "";
        }
    }
}
