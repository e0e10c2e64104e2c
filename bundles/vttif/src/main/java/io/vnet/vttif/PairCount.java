package io.vnet.vttif;

/** The bytes and frames one agent counted for one {@link MacPair} during one interval. */
public record PairCount(long bytes, long frames) {
    public static final PairCount ZERO = new PairCount(0, 0);

    public PairCount {
        if (bytes < 0 || frames < 0) {
            throw new IllegalArgumentException("invalid traffic count " + bytes + " bytes in " + frames
                    + " frames: counts must not be negative");
        }
        if (bytes < frames || (frames == 0 && bytes != 0)) {
            throw new IllegalArgumentException("invalid traffic count " + bytes + " bytes in " + frames
                    + " frames: every frame has at least one byte and bytes need frames");
        }
    }

    public static PairCount of(long bytes, long frames) {
        return new PairCount(bytes, frames);
    }

    /** The sum of both counts; an overflow is rejected. */
    public PairCount plus(PairCount other) {
        try {
            return new PairCount(Math.addExact(bytes, other.bytes), Math.addExact(frames, other.frames));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("traffic count overflow adding " + other + " to " + this);
        }
    }

    @Override
    public String toString() {
        return bytes + " B/" + frames + " frames";
    }
}
