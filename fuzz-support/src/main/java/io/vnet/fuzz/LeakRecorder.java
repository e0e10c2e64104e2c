package io.vnet.fuzz;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector, keeping every leak it reports so that a fuzz run can fail on it. Netty
 * makes one detector per kind of resource (buffers, timers, ...); with
 * {@code -Dio.netty.customResourceLeakDetector=io.vnet.fuzz.LeakRecorder} each of them is one of
 * these, and with {@code -Dio.netty.leakDetection.level=paranoid} every buffer is tracked. A leak
 * is found when the garbage collector has collected a buffer that was never released: the next
 * buffer tracked by the same detector reports it, which {@link #poll} forces.
 */
public final class LeakRecorder<T> extends ResourceLeakDetector<T> {
    private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static final List<LeakRecorder<?>> DETECTORS = new CopyOnWriteArrayList<>();

    /** Called by Netty's detector factory, by reflection. */
    public LeakRecorder(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        DETECTORS.add(this);
    }

    /** The constructor Netty's factory looks for first; the limit on active resources is unused. */
    public LeakRecorder(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    @Override
    protected boolean needReport() {
        return true; // whatever the logging configuration says
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        REPORTS.add(resourceType + " leaked (not released before it was garbage-collected):" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        REPORTS.add(resourceType + " leaked (not released before it was garbage-collected; no access records)");
        super.reportUntracedLeak(resourceType);
    }

    /** How many detectors Netty made of this class so far (0: the recorder is not in use). */
    static int detectors() {
        return DETECTORS.size();
    }

    /** Has every detector look at the references the collector has cleared since its last look. */
    @SuppressWarnings("unchecked")
    static void poll() {
        for (LeakRecorder<?> d : DETECTORS) {
            Object probe = new Object();
            ResourceLeakTracker<Object> t = ((LeakRecorder<Object>) d).track(probe); // reports before it tracks
            if (t != null) {
                t.close(probe);
            }
        }
    }

    /** The reports made since the last call, which forgets them. */
    static List<String> drain() {
        List<String> out = new ArrayList<>();
        for (String r; (r = REPORTS.poll()) != null; ) {
            out.add(r);
        }
        return out;
    }
}
