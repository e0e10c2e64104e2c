package io.vnet.it.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The samples of chosen families in a Prometheus text exposition, read with bounds: lines over
 * {@link #MAX_LINE} characters, labels over {@link #MAX_LABELS}, a value that is not a number or a
 * label that is not {@code name="value"} are skipped (and counted), never trusted.
 */
public final class MetricsText {
    public static final int MAX_LINE = 4096;
    public static final int MAX_LABELS = 16;

    /** One sample: its family name, labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;
    private final int skipped;

    private MetricsText(List<Sample> samples, int skipped) {
        this.samples = samples;
        this.skipped = skipped;
    }

    /** The samples of the families named in {@code names} (the rest of the text is passed over unparsed). */
    public static MetricsText parse(String text, Set<String> names) {
        List<Sample> out = new ArrayList<>();
        int skipped = 0;
        int pos = 0;
        int n = text.length();
        while (pos < n) {
            int eol = text.indexOf('\n', pos);
            if (eol < 0) {
                eol = n;
            }
            int len = eol - pos;
            if (len > 0 && text.charAt(pos) != '#' && wanted(text, pos, eol, names)) {
                if (len > MAX_LINE) {
                    skipped++;
                } else {
                    Sample s = line(text.substring(pos, eol));
                    if (s == null) {
                        skipped++;
                    } else {
                        out.add(s);
                    }
                }
            }
            pos = eol + 1;
        }
        return new MetricsText(out, skipped);
    }

    private static boolean wanted(String text, int pos, int eol, Set<String> names) {
        int end = pos;
        while (end < eol && end - pos <= 200) {
            char c = text.charAt(end);
            if (c == '{' || c == ' ') {
                break;
            }
            end++;
        }
        return names.contains(text.substring(pos, end));
    }

    /** A sample line: {@code name{a="b",...} value [timestamp]}, or null when it is not one. */
    static Sample line(String l) {
        int brace = l.indexOf('{');
        int space;
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        if (brace >= 0) {
            name = l.substring(0, brace);
            int i = brace + 1;
            while (true) {
                if (i >= l.length()) {
                    return null;
                }
                if (l.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = l.indexOf('=', i);
                if (eq < 0 || eq + 1 >= l.length() || l.charAt(eq + 1) != '"' || labels.size() >= MAX_LABELS) {
                    return null;
                }
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; j < l.length() && l.charAt(j) != '"'; j++) {
                    char c = l.charAt(j);
                    if (c == '\\' && j + 1 < l.length()) {
                        char e = l.charAt(++j);
                        v.append(e == 'n' ? '\n' : e);
                    } else {
                        v.append(c);
                    }
                }
                if (j >= l.length()) {
                    return null;
                }
                labels.put(l.substring(i, eq).trim(), v.toString());
                i = j + 1;
                if (i < l.length() && l.charAt(i) == ',') {
                    i++;
                }
            }
            space = i;
        } else {
            space = l.indexOf(' ');
            if (space < 0) {
                return null;
            }
            name = l.substring(0, space);
        }
        String rest = l.substring(space).trim();
        int sp = rest.indexOf(' ');
        String value = sp < 0 ? rest : rest.substring(0, sp);
        try {
            return new Sample(name, labels, Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public List<Sample> samples() {
        return samples;
    }

    /** Lines of the chosen families that were not valid samples. */
    public int skipped() {
        return skipped;
    }

    /** The sum of a family's samples whose labels include {@code match} (NaN when it has none). */
    public double sum(String name, Map<String, String> match) {
        double s = 0;
        boolean any = false;
        for (Sample x : samples) {
            if (x.name().equals(name) && x.labels().entrySet().containsAll(match.entrySet())) {
                s += x.value();
                any = true;
            }
        }
        return any ? s : Double.NaN;
    }

    /** Per network (VNI), the class whose {@code vnet_topology_class} sample is 1. */
    public Map<Integer, String> topologyClasses() {
        Map<Integer, String> m = new java.util.HashMap<>();
        for (Sample x : samples) {
            if (x.name().equals("vnet_topology_class") && x.value() == 1) {
                String net = x.labels().get("network");
                String cls = x.labels().get("class");
                if (net != null && cls != null && net.length() <= 8 && cls.length() <= 64) {
                    try {
                        m.put(Integer.parseInt(net), cls);
                    } catch (NumberFormatException e) {
                        // not a VNI: skipped
                    }
                }
            }
        }
        return m;
    }
}
