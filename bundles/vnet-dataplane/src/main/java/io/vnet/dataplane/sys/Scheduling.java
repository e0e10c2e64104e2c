package io.vnet.dataplane.sys;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The scheduling class of the calling thread. The data plane's threads forward frames for
 * other processes, as the kernel's softirqs do for a kernel path; under normal scheduling they
 * queue behind those processes, and busy guests (an MPI rank polling for its next message, a
 * VM's vCPU) delay every frame by milliseconds to seconds. In the round-robin real-time class
 * at a low priority a thread runs as soon as it wakes, ahead of every normally scheduled task,
 * and the kernel's real-time throttling (95% of each second by default) still leaves the rest
 * of the machine its share should the data plane ever be saturated.
 */
public final class Scheduling {
    /** Linux's SCHED_RR. */
    static final int SCHED_RR = 2;
    /** Linux's SCHED_OTHER: normal scheduling. */
    static final int SCHED_OTHER = 0;
    /** Linux's EPERM: not allowed (no CAP_SYS_NICE, or no real-time budget, RLIMIT_RTPRIO). */
    static final int EPERM = 1;

    private static final boolean LINKED = link();

    private Scheduling() {
    }

    private static boolean link() {
        try {
            Native.register(Scheduling.class, NativeLibrary.getInstance("c"));
            return true;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** {@code param} is {@code struct sched_param}: one int, the priority. */
    private static native int sched_setscheduler(int pid, int policy, int[] param);

    /**
     * Puts the calling thread into SCHED_RR at {@code priority} (1-99). Returns null if it did,
     * or why it could not, in words for a log.
     */
    public static String realtime(int priority) {
        return realtime(0, priority);
    }

    /** As {@link #realtime(int)}, for thread {@code tid} of this process (0: the calling thread). */
    public static String realtime(int tid, int priority) {
        if (priority < 1 || priority > 99) {
            throw new IllegalArgumentException("real-time priority " + priority + ": expected 1..99");
        }
        if (!LINKED) {
            return "libc's sched_setscheduler cannot be called from here";
        }
        if (sched_setscheduler(tid, SCHED_RR, new int[] {priority}) == 0) {
            return null;
        }
        int errno = Native.getLastError();
        return errno == EPERM ? "not permitted (the daemon needs CAP_SYS_NICE, or a RLIMIT_RTPRIO of at least "
                + priority + ")" : "sched_setscheduler failed, errno " + errno;
    }

    /** Puts thread {@code tid} of this process back into normal scheduling; null if it did, else why not. */
    public static String normal(int tid) {
        if (!LINKED) {
            return "libc's sched_setscheduler cannot be called from here";
        }
        return sched_setscheduler(tid, SCHED_OTHER, new int[] {0}) == 0 ? null
                : "sched_setscheduler failed, errno " + Native.getLastError();
    }

    /** The calling thread's kernel thread id (from /proc/thread-self), or -1. */
    public static int currentTid() {
        try {
            String link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self")).toString();
            return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }
}
