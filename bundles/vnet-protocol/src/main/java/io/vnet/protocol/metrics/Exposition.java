package io.vnet.protocol.metrics;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes metrics in Prometheus's text exposition format, version 0.0.4: each family once, its
 * {@code # HELP} and {@code # TYPE} lines, then its samples, all together. Label values may be
 * anything a tenant or a peer chose (a network's name, a peer's host id): backslashes, double
 * quotes and line breaks are escaped, other control characters replaced, and a value is cut at
 * {@value #MAX_LABEL_VALUE} characters, so no input can break the format or grow a line without
 * bound. Names are the code's own and are checked.
 */
public final class Exposition {
    /** The content type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The longest label value written; a longer one is cut there and ends in "...". */
    public static final int MAX_LABEL_VALUE = 200;
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** A family's type. */
    public enum Type {
        COUNTER, GAUGE;

        String text() {
            return this == COUNTER ? "counter" : "gauge";
        }
    }

    private final StringBuilder out = new StringBuilder(4096);
    private final Set<String> declared = new HashSet<>();
    private String current;

    /**
     * Starts family {@code name}: its help and type lines. Its samples follow, before the next
     * family starts.
     *
     * @throws IllegalArgumentException a name that is not a metric name
     * @throws IllegalStateException    a family started twice (its samples would not be together)
     */
    public Exposition family(String name, Type type, String help) {
        if (!METRIC.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        if (!declared.add(name)) {
            throw new IllegalStateException("family " + name + " started twice");
        }
        current = name;
        out.append("# HELP ").append(name).append(' ');
        help(help);
        out.append("\n# TYPE ").append(name).append(' ').append(type.text()).append('\n');
        return this;
    }

    /** Starts a counter family; see {@link #family}. */
    public Exposition counter(String name, String help) {
        return family(name, Type.COUNTER, help);
    }

    /** Starts a gauge family; see {@link #family}. */
    public Exposition gauge(String name, String help) {
        return family(name, Type.GAUGE, help);
    }

    /**
     * A sample of the current family, its labels given as name, value, name, value...; a null
     * value writes an empty one.
     *
     * @throws IllegalArgumentException an odd number of label strings, or a bad label name
     * @throws IllegalStateException    no family started
     */
    public Exposition sample(double value, String... labels) {
        return sample(current, value, labels);
    }

    /**
     * A sample of {@code name}, which must be the current family or its name with a suffix (a
     * summary's {@code _count} and {@code _sum}).
     */
    public Exposition sample(String name, double value, String... labels) {
        if (current == null || !name.startsWith(current)) {
            throw new IllegalStateException("sample " + name + " outside its family (now " + current + ")");
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!LABEL.matcher(labels[i]).matches()) {
                    throw new IllegalArgumentException("not a label name: " + labels[i]);
                }
                out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"");
                labelValue(labels[i + 1]);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    /** The text so far. */
    public String text() {
        return out.toString();
    }

    @Override
    public String toString() {
        return text();
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private void help(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
    }

    private void labelValue(String value) {
        String v = value == null ? "" : value;
        int n = Math.min(v.length(), MAX_LABEL_VALUE);
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
            }
        }
        if (v.length() > MAX_LABEL_VALUE) {
            out.append("...");
        }
    }
}
