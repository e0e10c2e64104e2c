package io.vnet.hostagent;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A table for people: columns as wide as their widest cell, two spaces apart; numbers right-aligned. */
final class TextTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(String... header) {
        this.header = List.of(header);
    }

    TextTable row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(c == null ? "-" : c.toString());
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] w = new int[header.size()];
        boolean[] numeric = new boolean[header.size()];
        java.util.Arrays.fill(numeric, true);
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
        }
        for (List<String> r : rows) {
            for (int i = 0; i < w.length && i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
                numeric[i] &= r.get(i).matches("-|[-+]?[0-9][0-9.,]*%?");
            }
        }
        line(out, header, w, new boolean[w.length]);
        for (List<String> r : rows) {
            line(out, r, w, numeric);
        }
        out.flush();
    }

    private static void line(PrintWriter out, List<String> cells, int[] w, boolean[] right) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            String c = i < cells.size() ? cells.get(i) : "";
            String pad = " ".repeat(w[i] - c.length());
            boolean last = i == w.length - 1;
            b.append(right[i] ? pad + c : last ? c : c + pad).append(last ? "" : "  ");
        }
        out.println(b.toString().stripTrailing());
    }
}
