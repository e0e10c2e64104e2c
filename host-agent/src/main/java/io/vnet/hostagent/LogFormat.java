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

/** One line per log record: time, level, logger, message (java.util.logging, used by the bundles). */
final class LogFormat extends Formatter {
    @Override
    public String format(LogRecord r) {
        String name = r.getLoggerName() == null ? "" : r.getLoggerName();
        int dot = name.lastIndexOf('.');
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
