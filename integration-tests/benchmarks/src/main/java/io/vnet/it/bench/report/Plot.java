package io.vnet.it.bench.report;

import io.vnet.it.experiment.IterationTimes;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The experiment's figure, drawn with plain Java2D (headless) into a PNG: on the left the
 * speedup of all-to-all over the star against the number k of direct host links, one curve per
 * message size plus the link-bound model; on the right one closed-loop run's iteration times
 * against the time since the pattern started, with the phase changes and the moments the
 * manager's overlay was applied marked.
 */
public final class Plot {
    private static final int W = 1500;
    private static final int H = 620;
    private static final Color[] SERIES = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e)};
    private static final Color GRID = new Color(0xe4e4e4);
    private static final Color MODEL = new Color(0x888888);
    private static final Color ADAPT = new Color(0xd62728);
    private static final Color KEPT = new Color(0xe07b00);

    private Plot() {
    }

    /** One curve of the left panel: speedup against k. NaN points are left out. */
    public record Series(String label, double[] k, double[] speedup) {
    }

    /** What a vertical mark on the timeline stands for. */
    public enum Kind {
        /** A new phase (pattern) of the workload: grey, dashed, labelled at the bottom. */
        PHASE,
        /** A new overlay applied by the manager: red, solid, labelled at the top. */
        APPLIED,
        /** A decision the manager made and did not apply: orange, dotted, labelled at the top. */
        NOT_APPLIED
    }

    /** A vertical mark on the timeline: seconds since the start, a label, and what it stands for. */
    public record Mark(double seconds, String label, Kind kind) {
    }

    /** The right panel: iteration end times (s since the start) and durations (ms), and marks. */
    public record Timeline(String title, double[] seconds, double[] iterationMs, List<Mark> marks) {
    }

    /** Draws the figure; {@code timeline} may be null (the panel then says why: {@code why}). */
    public static void write(Path png, String title, String leftTitle, List<Series> curves, Series model,
                             Timeline timeline, String why) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
            centre(g, title, W / 2, 28);
            speedupPanel(g, 80, 70, 620, 470, leftTitle, curves, model);
            timelinePanel(g, 840, 70, 620, 470, timeline, why);
        } finally {
            g.dispose();
        }
        if (png.toAbsolutePath().getParent() != null) {
            Files.createDirectories(png.toAbsolutePath().getParent());
        }
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    private static void speedupPanel(Graphics2D g, int x, int y, int w, int h, String title, List<Series> curves,
                                     Series model) {
        double maxK = 1;
        double maxY = 1;
        for (Series s : withModel(curves, model)) {
            for (int i = 0; i < s.k().length; i++) {
                maxK = Math.max(maxK, s.k()[i]);
                if (!Double.isNaN(s.speedup()[i])) {
                    maxY = Math.max(maxY, s.speedup()[i]);
                }
            }
        }
        double yMax = Math.ceil(maxY + 0.25);
        Axes a = new Axes(x, y, w, h, 0, maxK, 0, yMax);
        a.frame(g, title, "k (direct host links added to the star)", "speedup over the star (× star's iteration time)");
        for (int k = 0; k <= (int) maxK; k++) {
            a.xTick(g, k, Integer.toString(k));
        }
        for (double v = 0; v <= yMax + 1e-9; v += yMax > 6 ? 1 : 0.5) {
            a.yTick(g, v, Format.number(v));
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 3f}, 0f));
        g.drawLine(a.px(0), a.py(1), a.px(maxK), a.py(1));
        int legendY = y + 22;
        if (model != null) {
            g.setColor(MODEL);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f));
            polyline(g, a, model, false);
            legend(g, x + 18, legendY, MODEL, model.label(), true);
            legendY += 20;
        }
        for (int i = 0; i < curves.size(); i++) {
            Color c = SERIES[i % SERIES.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2.5f));
            polyline(g, a, curves.get(i), true);
            legend(g, x + 18, legendY, c, curves.get(i).label(), false);
            legendY += 20;
        }
        a.border(g);
    }

    private static List<Series> withModel(List<Series> curves, Series model) {
        List<Series> all = new java.util.ArrayList<>(curves);
        if (model != null) {
            all.add(model);
        }
        return all;
    }

    private static void polyline(Graphics2D g, Axes a, Series s, boolean dots) {
        int lastX = -1;
        int lastY = -1;
        for (int i = 0; i < s.k().length; i++) {
            double v = s.speedup()[i];
            if (Double.isNaN(v)) {
                lastX = -1;
                continue;
            }
            int px = a.px(s.k()[i]);
            int py = a.py(v);
            if (lastX >= 0) {
                g.drawLine(lastX, lastY, px, py);
            }
            if (dots) {
                g.fillOval(px - 4, py - 4, 8, 8);
            }
            lastX = px;
            lastY = py;
        }
    }

    private static void timelinePanel(Graphics2D g, int x, int y, int w, int h, Timeline t, String why) {
        if (t == null || t.seconds().length == 0) {
            Axes a = new Axes(x, y, w, h, 0, 1, 0, 1);
            a.frame(g, "closed loop: iteration time", "time since the pattern started (s)", "iteration time (ms)");
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            int line = y + h / 2 - 20;
            for (String s : wrap(g, why == null ? "no closed-loop run" : why, w - 40)) {
                centre(g, s, x + w / 2, line);
                line += 20;
            }
            return;
        }
        double maxT = 1;
        for (double s : t.seconds()) {
            maxT = Math.max(maxT, s);
        }
        for (Mark m : t.marks()) {
            maxT = Math.max(maxT, m.seconds());
        }
        double maxMs = 1;
        for (double v : t.iterationMs()) {
            maxMs = Math.max(maxMs, v);
        }
        // a few slow iterations (the overlay changing) must not squash the rest: clip at 1.5 x the 98th percentile
        double p98 = IterationTimes.percentile(t.iterationMs(), 98);
        double yMax = niceCeil(Math.min(maxMs, 1.5 * p98) * 1.08);
        double xMax = niceCeil(maxT);
        Axes a = new Axes(x, y, w, h, 0, xMax, 0, yMax);
        a.frame(g, t.title(), "time since the pattern started (s)", "iteration time (ms)");
        double xStep = step(xMax);
        for (double v = 0; v <= xMax + 1e-9; v += xStep) {
            a.xTick(g, v, Format.number(v));
        }
        double yStep = step(yMax);
        for (double v = 0; v <= yMax + 1e-9; v += yStep) {
            a.yTick(g, v, Format.number(v));
        }
        int labelRow = 0;
        for (Mark m : t.marks()) {
            int px = a.px(m.seconds());
            if (m.kind() == Kind.APPLIED) {
                g.setColor(ADAPT);
                g.setStroke(new BasicStroke(2f));
            } else if (m.kind() == Kind.NOT_APPLIED) {
                g.setColor(KEPT);
                g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
            } else {
                g.setColor(Color.GRAY);
                g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
            }
            g.drawLine(px, y, px, y + h);
        }

        g.setColor(SERIES[0]);
        g.setStroke(new BasicStroke(1.3f));
        double clippedMax = 0;
        int clippedX = -1;
        int lastX = -1;
        int lastY = -1;
        for (int i = 0; i < t.seconds().length; i++) {
            int px = a.px(t.seconds()[i]);
            double v = Math.min(t.iterationMs()[i], yMax);
            int py = a.py(v);
            if (lastX >= 0) {
                g.drawLine(lastX, lastY, px, py);
            }
            if (t.iterationMs()[i] > yMax && t.iterationMs()[i] > clippedMax) {
                clippedMax = t.iterationMs()[i];
                clippedX = px;
            }
            g.fillOval(px - 2, py - 2, 5, 5);
            lastX = px;
            lastY = py;
        }
        // labels after all lines and the curve, on a white ground, so that nothing crosses them
        for (Mark m : t.marks()) {
            int px = a.px(m.seconds());
            int ly = m.kind() != Kind.PHASE ? y + 18 + 16 * (labelRow++ % 3) : y + h - 8;
            label(g, m.label(), px + 5, ly, m.kind() == Kind.APPLIED ? ADAPT : m.kind() == Kind.NOT_APPLIED ? KEPT : Color.GRAY);
        }
        // the axis is cut at 1.5 x the 98th percentile: say how long the longest cut-off iteration took
        if (clippedX >= 0) {
            label(g, String.format(Locale.ROOT, "\u2191 off the scale: up to %.0f ms", clippedMax), clippedX + 5,
                    y + h - 30, SERIES[0]);
        }
        a.border(g);
    }

    private static void label(Graphics2D g, String text, int x, int baseline, Color c) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.WHITE);
        g.fillRect(x - 2, baseline - fm.getAscent(), fm.stringWidth(text) + 4, fm.getAscent() + fm.getDescent());
        g.setColor(c);
        g.drawString(text, x, baseline);
    }

    private static double step(double max) {
        double raw = max / 8;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    private static double niceCeil(double v) {
        double s = step(v);
        return Math.ceil(v / s) * s;
    }

    private static void legend(Graphics2D g, int x, int y, Color c, String label, boolean dashed) {
        Stroke was = g.getStroke();
        g.setColor(c);
        g.setStroke(dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f)
                : new BasicStroke(2.5f));
        g.drawLine(x, y - 5, x + 28, y - 5);
        g.setStroke(was);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(label, x + 36, y);
    }

    private static void centre(Graphics2D g, String s, int cx, int baseline) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, cx - fm.stringWidth(s) / 2, baseline);
    }

    private static List<String> wrap(Graphics2D g, String text, int width) {
        List<String> out = new java.util.ArrayList<>();
        FontMetrics fm = g.getFontMetrics();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            String next = line.length() == 0 ? word : line + " " + word;
            if (fm.stringWidth(next) > width && line.length() > 0) {
                out.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(next);
            }
        }
        if (line.length() > 0) {
            out.add(line.toString());
        }
        return out;
    }

    /** A plot area with linear axes. */
    private record Axes(int x, int y, int w, int h, double x0, double x1, double y0, double y1) {
        int px(double v) {
            return x + (int) Math.round((v - x0) / (x1 - x0) * w);
        }

        int py(double v) {
            return y + h - (int) Math.round((v - y0) / (y1 - y0) * h);
        }

        void frame(Graphics2D g, String title, String xLabel, String yLabel) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            centre(g, title, x + w / 2, y - 10);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            centre(g, xLabel, x + w / 2, y + h + 42);
            Graphics2D r = (Graphics2D) g.create();
            r.translate(x - 52, y + h / 2);
            r.rotate(-Math.PI / 2);
            centre(r, yLabel, 0, 0);
            r.dispose();
            border(g);
        }

        /** The panel's frame, drawn again last so that grid lines and curves do not cover it. */
        void border(Graphics2D g) {
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.2f));
            g.drawRect(x, y, w, h);
        }

        void xTick(Graphics2D g, double v, String label) {
            int px = px(v);
            g.setColor(GRID);
            g.setStroke(new BasicStroke(1f));
            g.drawLine(px, y + 1, px, y + h - 1);
            g.setColor(Color.BLACK);
            g.drawLine(px, y + h, px, y + h + 5);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            centre(g, label, px, y + h + 20);
        }

        void yTick(Graphics2D g, double v, String label) {
            int py = py(v);
            g.setColor(GRID);
            g.setStroke(new BasicStroke(1f));
            g.drawLine(x + 1, py, x + w - 1, py);
            g.setColor(Color.BLACK);
            g.drawLine(x - 5, py, x, py);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            g.drawString(label, x - 9 - fm.stringWidth(label), py + 4);
        }
    }
}
