package io.vnet.it.patterns;

/**
 * The rows x cols arrangement of the ranks for the 2-D mesh and torus. Rank {@code r} sits at
 * row {@code r / cols}, column {@code r % cols} (row-major).
 */
public record Grid(int rows, int cols) {
    public Grid {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("grid " + rows + "x" + cols + ": rows and columns must be >= 1");
        }
    }

    public int size() {
        return rows * cols;
    }

    /**
     * The most square factorisation {@code rows x cols = n} with {@code 2 <= rows <= cols}, e.g.
     * 8 -> 2x4, 9 -> 3x3, 12 -> 3x4. There is none for n < 4 or n prime: then give a grid.
     */
    public static Grid squarest(int n) {
        for (int r = (int) Math.floor(Math.sqrt(n)); r >= 2; r--) {
            if (n % r == 0) {
                return new Grid(r, n / r);
            }
        }
        throw new IllegalArgumentException(n + " ranks have no r x c grid with r, c >= 2 (" + n
                + (n < 4 ? " is less than 4" : " is prime") + "); give one explicitly, e.g. --grid 1x" + n);
    }

    /** {@code explicit} if given (it must hold exactly n ranks), else {@link #squarest(int)}. */
    public static Grid resolve(int n, Grid explicit) {
        if (explicit == null) {
            return squarest(n);
        }
        if (explicit.size() != n) {
            throw new IllegalArgumentException("grid " + explicit + " holds " + explicit.size() + " ranks, not " + n);
        }
        return explicit;
    }

    /** Parses {@code RxC}, e.g. {@code 2x4}. */
    public static Grid parse(String s) {
        String[] p = s.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        if (p.length != 2) {
            throw new IllegalArgumentException("grid '" + s + "': expected ROWSxCOLS, e.g. 2x4");
        }
        try {
            return new Grid(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("grid '" + s + "': expected ROWSxCOLS, e.g. 2x4");
        }
    }

    public int row(int rank) {
        return rank / cols;
    }

    public int col(int rank) {
        return rank % cols;
    }

    public int rank(int row, int col) {
        return row * cols + col;
    }

    @Override
    public String toString() {
        return rows + "x" + cols;
    }
}
