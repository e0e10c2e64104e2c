package io.vnet.it.bench.soak;

import io.vnet.it.soak.SoakResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The soak's figure, drawn with plain Java2D (headless) into a PNG: one panel per metric (heap after
 * GC, RSS, threads, open FDs, CPU), each with one line per process against the minutes since the
 * start; a dashed line marks where the part judged (the last two thirds) begins.
 */
public final class SoakPlot {
    private static final int PW = 620;
    private static final int PH = 330;
    private static final Color[] LINES = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x111111), new Color(0x8c564b), new Color(0x17becf)};
    private static final SoakResult.Metric[] PANELS = {SoakResult.Metric.HEAP, SoakResult.Metric.RSS,
        SoakResult.Metric.THREADS, SoakResult.Metric.FDS, SoakResult.Metric.CPU};

    private SoakPlot() {
    }

    /** Writes the figure for {@code r} to {@code png}. */
    public static void write(SoakResult r, Path png, String title) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int cols = 2;
        int rows = 3;
        int w = cols * (PW + 60) + 40;
        int h = rows * (PH + 70) + 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, 20, 28);
            double minutes = Math.max(1e-3, (r.endMs() - r.startMs()) / 60_000.0);
            for (int i = 0; i < PANELS.length; i++) {
                int x = 70 + (i % cols) * (PW + 60);
                int y = 60 + (i / cols) * (PH + 70);
                panel(g, x, y, r, PANELS[i], minutes);
            }
            legend(g, 70 + (PW + 60), 60 + 2 * (PH + 70), r.series().keySet().stream().toList());
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

    private static void panel(Graphics2D g, int x, int y, SoakResult r, SoakResult.Metric m, double minutes) {
        double max = 0;
        for (Map.Entry<String, List<io.vnet.it.machine.JvmProbe.Sample>> e : r.series().entrySet()) {
            for (double v : m.of(e.getValue()).values()) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double yMax = niceCeiling(max);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(m.label() + (m.unit().isEmpty() ? "" : " (" + m.unit() + ")") + " per process", x, y - 8);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(new Color(0xe4e4e4));
        for (int k = 0; k <= 4; k++) {
            int py = y + PH - k * PH / 4;
            g.drawLine(x, py, x + PW, py);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(x, y, PW, PH);
        for (int k = 0; k <= 4; k++) {
            int py = y + PH - k * PH / 4;
            String label = fmt(yMax * k / 4);
            g.drawString(label, x - 8 - g.getFontMetrics().stringWidth(label), py + 4);
        }
        int ticks = (int) Math.min(10, Math.ceil(minutes));
        for (int k = 0; k <= ticks; k++) {
            double t = minutes * k / ticks;
            int px = x + (int) Math.round(PW * t / minutes);
            String label = fmt(t);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, y + PH + 15);
        }
        g.drawString("minutes since the start", x + PW / 2 - 60, y + PH + 30);
        // the start of the judged part: a third of the samples in
        int third = x + (int) Math.round(PW / 3.0);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        g.drawLine(third, y, third, y + PH);
        g.setStroke(new BasicStroke(1.6f));
        int c = 0;
        for (Map.Entry<String, List<io.vnet.it.machine.JvmProbe.Sample>> e : r.series().entrySet()) {
            SoakResult.Series s = m.of(e.getValue());
            g.setColor(LINES[c++ % LINES.length]);
            int lx = -1;
            int ly = -1;
            for (int i = 0; i < s.size(); i++) {
                double v = s.values()[i];
                if (Double.isNaN(v)) {
                    lx = -1;
                    continue;
                }
                int px = x + (int) Math.round(PW * ((s.timesMs()[i] - r.startMs()) / 60_000.0) / minutes);
                int py = y + PH - (int) Math.round(PH * v / yMax);
                px = Math.max(x, Math.min(x + PW, px));
                if (lx >= 0) {
                    g.drawLine(lx, ly, px, py);
                }
                g.fillOval(px - 2, py - 2, 4, 4);
                lx = px;
                ly = py;
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void legend(Graphics2D g, int x, int y, List<String> names) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i < names.size(); i++) {
            g.setColor(LINES[i % LINES.length]);
            g.fillRect(x, y + 10 + i * 24, 22, 4);
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), x + 32, y + 16 + i * 24);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("dashed line: where the last two thirds (the part judged) begin", x, y + 30 + names.size() * 24);
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code v} (1 for 0). */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double f : new double[] {1, 2, 2.5, 5, 10}) {
            if (f * p >= v) {
                return f * p;
            }
        }
        return 10 * p;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
