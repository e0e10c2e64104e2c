package io.vnet.dataplane.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A thread asks for SCHED_RR for itself: the kernel then lists it in that class at that
 * priority (fields 40 and 41 of its {@code stat}), and no other thread changes. The tests run as
 * root, as the agent does, so the request is granted.
 */
class SchedulingTest {
    /** The policy and real-time priority of thread {@code tid} as the kernel reports them. */
    static int[] policy(long tid) throws Exception {
        String stat = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ", field 3 is f[0]: rt_priority is field 40, policy field 41
        return new int[] {Integer.parseInt(f[40 - 3]), Integer.parseInt(f[41 - 3])};
    }

    static long tid() throws Exception {
        return Long.parseLong(Path.of("/proc/thread-self").toRealPath().getFileName().toString());
    }

    @Test
    void aThreadThatAsksRunsInTheRoundRobinClassAndOthersDoNot() throws Exception {
        AtomicReference<String> refused = new AtomicReference<>("not run");
        AtomicReference<int[]> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            refused.set(Scheduling.realtime(3));
            try {
                seen.set(policy(tid()));
            } catch (Exception e) {
                refused.set(e.toString());
            }
        });
        t.start();
        t.join();
        assertNull(refused.get(), "granted to root");
        assertEquals(3, seen.get()[0], "real-time priority");
        assertEquals(Scheduling.SCHED_RR, seen.get()[1], "policy SCHED_RR");
        assertEquals(0, policy(tid())[1], "this thread stays SCHED_OTHER");
    }

    @Test
    void prioritiesOutsideTheRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Scheduling.realtime(0));
        assertThrows(IllegalArgumentException.class, () -> Scheduling.realtime(100));
    }
}
