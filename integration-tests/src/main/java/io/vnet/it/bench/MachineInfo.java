package io.vnet.it.bench;

import io.vnet.it.fabric.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** Where and when a benchmark ran: date, OS, kernel, CPU, and the versions of the tools measured. */
final class MachineInfo {
    private MachineInfo() {
    }

    static String describe() {
        String cpu = firstMatch(read("/proc/cpuinfo"), "model name");
        return "date " + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"))
                + "; " + osName() + ", kernel " + Sh.run("uname", "-r").out().trim()
                + "; " + Runtime.getRuntime().availableProcessors() + " cores (" + cpu + ")"
                + "; " + firstLine(Sh.run("iperf3", "--version").out())
                + "; " + firstLine(Sh.run("tincd", "--version").out())
                + "; Java " + System.getProperty("java.version");
    }

    /** The 1-, 5- and 15-minute load averages: the machine is shared, so say how busy it was. */
    static String loadAverage() {
        String[] f = read("/proc/loadavg").trim().split("\\s+");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "unknown";
    }

    private static String osName() {
        String os = read("/etc/os-release");
        for (String line : os.split("\n")) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring("PRETTY_NAME=".length()).replace("\"", "");
            }
        }
        return "unknown OS";
    }

    private static String firstMatch(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return "unknown";
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
