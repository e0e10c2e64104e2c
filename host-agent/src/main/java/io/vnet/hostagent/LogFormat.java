package io.vnet.hostagent;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per log record (java.util.logging, used by the bundles): time, level, logger, message.
 * Under systemd, whose journal stamps every line itself, the time is left out and the level is a
 * syslog priority prefix ({@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>}
 * debug) that journald reads as the entry's priority, on every line of a stack trace too: the
 * journal is detected by {@code JOURNAL_STREAM}, which systemd sets when stdout or stderr is
 * connected to it ({@code VNET_LOG_FORMAT=plain} or {@code journal} overrides).
 */
final class LogFormat extends Formatter {
    private final boolean journal;

    LogFormat(boolean journal) {
        this.journal = journal;
    }

    LogFormat() {
        this(journal(System.getenv("VNET_LOG_FORMAT"), System.getenv("JOURNAL_STREAM")));
    }

    static boolean journal(String format, String journalStream) {
        if ("plain".equals(format)) {
            return false;
        }
        return "journal".equals(format) || journalStream != null && !journalStream.isEmpty();
    }

    /** The syslog priority of a level: SEVERE 3, WARNING 4, INFO 6, finer 7. */
    static int priority(Level level) {
        int v = level.intValue();
        return v >= Level.SEVERE.intValue() ? 3 : v >= Level.WARNING.intValue() ? 4 : v >= Level.INFO.intValue() ? 6 : 7;
    }

    @Override
    public String format(LogRecord r) {
        String name = r.getLoggerName() == null ? "" : r.getLoggerName();
        int dot = name.lastIndexOf('.');
        if (journal) {
            String prefix = "<" + priority(r.getLevel()) + ">";
            StringBuilder sb = new StringBuilder(128).append(prefix).append(dot >= 0 ? name.substring(dot + 1) : name)
                    .append(": ").append(formatMessage(r).replace("\n", "\n" + prefix)).append('\n');
            if (r.getThrown() != null) {
                StringWriter sw = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(sw));
                sw.toString().lines().forEach(l -> sb.append(prefix).append(l).append('\n'));
            }
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder(128)
                .append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                .append(String.format("%-7s", r.getLevel().getName())).append(' ')
                .append(dot >= 0 ? name.substring(dot + 1) : name).append(": ")
                .append(formatMessage(r)).append('\n');
        if (r.getThrown() != null) {
            StringWriter sw = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(sw));
            sb.append(sw);
        }
        return sb.toString();
    }

    static void install(Level level) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new LogFormat());
        h.setLevel(level);
        root.addHandler(h);
        root.setLevel(level);
        Logger.getLogger("io.netty").setLevel(level.intValue() < Level.INFO.intValue() ? level : Level.INFO);
    }
}
