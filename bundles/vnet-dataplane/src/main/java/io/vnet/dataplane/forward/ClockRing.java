package io.vnet.dataplane.forward;

import java.util.function.Consumer;

/**
 * A second-chance (CLOCK) ring of learned entries, which approximates "least recently seen"
 * in O(1) amortised time. It is a circular doubly linked list in the order the entries joined
 * it, oldest first; its head is the clock's hand. Each entry joins through a {@link Link} of
 * its own, and a frame from the address marks that link as referenced.
 * <p>
 * {@link #victim} walks from the hand: the first entry that is expired, or that was not
 * referenced since the hand last passed it, is the one to drop; a referenced entry is unmarked
 * and moved to the tail (its second chance). The walk ends within one turn of the ring, since
 * an entry passed once is unmarked when the hand meets it again. Every step past a referenced
 * entry undoes one mark, and a mark is set only by a frame that found its link unmarked, so the
 * walks cost O(1) amortised per frame and per entry added.
 * <p>
 * Not thread-safe: only the holder of the table's lock changes a ring. Frames, on any thread,
 * only set the marks ({@link Link#reference}).
 */
final class ClockRing {
    /** An entry's place in one ring. */
    static final class Link {
        final LearnedEntry entry;
        Link prev;
        Link next;
        /** Set by frames from the address, cleared by the hand as it gives the entry a second chance. */
        volatile boolean referenced;

        Link(LearnedEntry entry) {
            this.entry = entry;
        }

        /** Marks the entry as seen since the hand last passed it; writes only if it was not. */
        void reference() {
            if (!referenced) {
                referenced = true;
            }
        }
    }

    private final Link hand = new Link(null);
    private int size;

    ClockRing() {
        hand.prev = hand;
        hand.next = hand;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The entry at the hand (the oldest, second chances aside), or null when the ring is empty. */
    LearnedEntry first() {
        return hand.next.entry;
    }

    /** Adds {@code link} at the tail, unmarked: it is passed last. */
    void addLast(Link link) {
        link.referenced = false;
        link.prev = hand.prev;
        link.next = hand;
        hand.prev.next = link;
        hand.prev = link;
        size++;
    }

    /** Takes {@code link}, which must be in this ring, out of it. */
    void remove(Link link) {
        link.prev.next = link.next;
        link.next.prev = link.prev;
        link.prev = null;
        link.next = null;
        size--;
    }

    /**
     * The entry to drop to make room, which stays in the ring: the first one from the hand that
     * is expired at {@code now} or unreferenced. Referenced entries passed on the way are
     * unmarked and moved to the tail. The ring must not be empty.
     */
    LearnedEntry victim(long now) {
        while (true) {
            Link l = hand.next;
            if (l.entry.expired(now) || !l.referenced) {
                return l.entry;
            }
            remove(l);
            addLast(l); // unmarked there
        }
    }

    /**
     * Calls {@code action} with every entry, oldest first. The action may take the entry it is
     * given out of this ring, and no other.
     */
    void forEach(Consumer<LearnedEntry> action) {
        Link l = hand.next;
        while (l != hand) {
            Link next = l.next;
            action.accept(l.entry);
            l = next;
        }
    }
}
