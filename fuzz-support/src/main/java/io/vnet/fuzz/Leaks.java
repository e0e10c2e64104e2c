package io.vnet.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.List;

/**
 * The leak check of fuzz tests that touch Netty buffers. {@link #requireParanoid} fails unless
 * every buffer is tracked and reports are recorded (the JVM was started as Maven's
 * {@code fuzz-regression} execution and {@code scripts/fuzz.sh} start it); {@link #assertNone}
 * collects garbage, has the detectors report what was collected unreleased, and fails on any
 * report. A fuzz test calls it every so many inputs and once at the end.
 */
public final class Leaks {
    /** How many rounds of collection {@link #assertNone} waits through for cleared references. */
    private static final int ROUNDS = 3;

    private Leaks() {
    }

    /** Fails unless Netty's leak detector is at PARANOID and reports to {@link LeakRecorder}. */
    public static void requireParanoid() {
        ByteBuf b = Unpooled.directBuffer(1); // makes sure the buffers' detector exists
        b.release();
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID || LeakRecorder.detectors() == 0) {
            throw new AssertionError("Netty's leak detection is not on: run fuzz tests with -Dio.netty.leakDetection.level="
                    + "paranoid -Dio.netty.customResourceLeakDetector=" + LeakRecorder.class.getName()
                    + " (Maven's fuzz-regression execution and scripts/fuzz.sh do); level now "
                    + ResourceLeakDetector.getLevel() + ", recorders " + LeakRecorder.detectors());
        }
    }

    /** Fails with Netty's reports if any buffer was garbage-collected without being released. */
    public static void assertNone() {
        for (int i = 0; i < ROUNDS; i++) {
            System.gc();
            try {
                Thread.sleep(10); // the reference handler enqueues what the collection cleared
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            LeakRecorder.poll();
        }
        List<String> reports = LeakRecorder.drain();
        if (!reports.isEmpty()) {
            throw new AssertionError(reports.size() + " leak(s) reported by Netty's leak detector:\n"
                    + String.join("\n", reports));
        }
    }
}
