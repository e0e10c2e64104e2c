package io.vnet.dataplane.count;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Per-pair frame and byte counters for the forwarding path. Each forwarding thread writes its
 * own open-addressing table (found through a ThreadLocal), so counting takes no lock and, once
 * a pair has been seen, allocates nothing. Readers merge all tables; counts are cumulative.
 */
public final class PairCounters {
    /** One pair's cumulative count, with its network and addresses as the low bits of longs. */
    public record Count(int vni, long src, long dst, long frames, long bytes) {
    }

    private final CopyOnWriteArrayList<Table> tables = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Table> mine = ThreadLocal.withInitial(() -> {
        Table t = new Table();
        tables.add(t);
        return t;
    });

    /** Counts one frame of {@code bytes} from {@code src} to {@code dst} in network {@code vni}. */
    public void count(int vni, long src, long dst, int bytes) {
        mine.get().add(vni, src, dst, bytes);
    }

    /** All pairs counted so far, merged over the forwarding threads. */
    public List<Count> snapshot() {
        Map<Key, long[]> merged = new HashMap<>();
        for (Table t : tables) {
            t.forEach((k1, k2, frames, bytes) -> {
                long[] acc = merged.computeIfAbsent(new Key(k1, k2), k -> new long[2]);
                acc[0] += frames;
                acc[1] += bytes;
            });
        }
        return merged.entrySet().stream()
                .map(e -> new Count(Table.vni(e.getKey().k1, e.getKey().k2), Table.src(e.getKey().k1),
                        Table.dst(e.getKey().k2), e.getValue()[0], e.getValue()[1]))
                .toList();
    }

    private record Key(long k1, long k2) {
    }

    interface Visitor {
        void visit(long k1, long k2, long frames, long bytes);
    }

    /**
     * A single-writer table. Key word 1 holds the source and the VNI's low 16 bits, word 2 the
     * destination, the VNI's high 8 bits and an "occupied" bit. Readers on other threads see
     * counts through opaque reads; a full table is replaced by a larger copy (rare).
     */
    static final class Table {
        private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
        private static final long OCCUPIED = 1L << 63;
        private static final long MAC = 0xFFFF_FFFF_FFFFL;

        private static final class Slots {
            final long[] k1;
            final long[] k2;
            final long[] frames;
            final long[] bytes;
            final int mask;

            Slots(int capacity) {
                k1 = new long[capacity];
                k2 = new long[capacity];
                frames = new long[capacity];
                bytes = new long[capacity];
                mask = capacity - 1;
            }
        }

        private volatile Slots slots = new Slots(1024);
        private int size;

        static long key1(int vni, long src) {
            return src | ((long) (vni & 0xFFFF) << 48);
        }

        static long key2(int vni, long dst) {
            return dst | ((long) ((vni >>> 16) & 0xFF) << 48) | OCCUPIED;
        }

        static int vni(long k1, long k2) {
            return (int) ((k1 >>> 48) & 0xFFFF) | (int) (((k2 >>> 48) & 0xFF) << 16);
        }

        static long src(long k1) {
            return k1 & MAC;
        }

        static long dst(long k2) {
            return k2 & MAC;
        }

        private static int hash(long k1, long k2) {
            long h = k1 * 0x9E3779B97F4A7C15L ^ k2 * 0xC2B2AE3D27D4EB4FL;
            return (int) (h ^ (h >>> 29));
        }

        void add(int vni, long src, long dst, int nbytes) {
            long k1 = key1(vni, src);
            long k2 = key2(vni, dst);
            Slots s = slots;
            int i = hash(k1, k2) & s.mask;
            while (true) {
                long cur = (long) LONGS.getOpaque(s.k2, i);
                if (cur == k2 && s.k1[i] == k1) {
                    LONGS.setOpaque(s.frames, i, s.frames[i] + 1);
                    LONGS.setOpaque(s.bytes, i, s.bytes[i] + nbytes);
                    return;
                }
                if (cur == 0) {
                    if (size + 1 > (s.mask + 1) * 3 / 4) {
                        grow();
                        add(vni, src, dst, nbytes);
                        return;
                    }
                    s.k1[i] = k1;
                    s.frames[i] = 1;
                    s.bytes[i] = nbytes;
                    LONGS.setRelease(s.k2, i, k2); // publishes the slot to readers
                    size++;
                    return;
                }
                i = (i + 1) & s.mask;
            }
        }

        private void grow() {
            Slots old = slots;
            Slots next = new Slots((old.mask + 1) * 2);
            for (int i = 0; i <= old.mask; i++) {
                long k2 = old.k2[i];
                if (k2 != 0) {
                    int j = hash(old.k1[i], k2) & next.mask;
                    while (next.k2[j] != 0) {
                        j = (j + 1) & next.mask;
                    }
                    next.k1[j] = old.k1[i];
                    next.frames[j] = old.frames[i];
                    next.bytes[j] = old.bytes[i];
                    next.k2[j] = k2;
                }
            }
            slots = next; // volatile: readers see the copied slots
        }

        void forEach(Visitor v) {
            Slots s = slots;
            for (int i = 0; i <= s.mask; i++) {
                long k2 = (long) LONGS.getAcquire(s.k2, i);
                if (k2 != 0) {
                    v.visit(s.k1[i], k2, (long) LONGS.getOpaque(s.frames, i), (long) LONGS.getOpaque(s.bytes, i));
                }
            }
        }
    }
}
