package io.vnet.vttif;

/**
 * The frames and bytes one agent counted for one {@link MacPair} during one interval (in the
 * order of the model's {@link io.vnet.api.PairCount}, which names the pair too).
 */
public record PairTraffic(long frames, long bytes) {
    public static final PairTraffic ZERO = new PairTraffic(0, 0);

    public PairTraffic {
        if (bytes < 0 || frames < 0) {
            throw new IllegalArgumentException("invalid traffic count " + bytes + " bytes in " + frames
                    + " frames: counts must not be negative");
        }
        if (bytes < frames || (frames == 0 && bytes != 0)) {
            throw new IllegalArgumentException("invalid traffic count " + bytes + " bytes in " + frames
                    + " frames: every frame has at least one byte and bytes need frames");
        }
    }

    public static PairTraffic of(long frames, long bytes) {
        return new PairTraffic(frames, bytes);
    }

    /** The sum of both counts; an overflow is rejected. */
    public PairTraffic plus(PairTraffic other) {
        try {
            return new PairTraffic(Math.addExact(frames, other.frames), Math.addExact(bytes, other.bytes));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("traffic count overflow adding " + other + " to " + this);
        }
    }

    @Override
    public String toString() {
        return bytes + " B/" + frames + " frames";
    }
}
