/*
 * The MPI program of VNET's tests and benchmarks: a bulk-synchronous loop of compute (a sleep, so
 * that ranks sharing a machine do not starve each other or the overlay) and one communication
 * pattern per iteration, timed.
 *
 *   exchange PATTERN ITERATIONS MESSAGE_BYTES COMPUTE_MS
 *
 * ITERATIONS is a count, or a duration such as 20s: the program then times 3 iterations, and rank 0
 * chooses (and broadcasts once) the count that fills the duration.
 *
 * PATTERN, point-to-point (MPI_Isend / MPI_Irecv with each neighbour, MESSAGE_BYTES each way):
 *   ring       both neighbours of a ring
 *   mesh       a 2-D grid of R x C ranks (as square as the rank count allows; not periodic), up to
 *              four neighbours
 *   tree       a binary-tree reduction to rank 0 (each rank's parent is (r - 1) / 2) followed by a
 *              broadcast down the same tree: MESSAGE_BYTES up each edge, then down
 *   hypercube  recursive doubling: rank r exchanges with r XOR 2^k for each k (a power-of-two rank
 *              count)
 *   pipeline   a chain: rank r sends MESSAGE_BYTES to r + 1
 * PATTERN, MPI's own collectives (Open MPI's default algorithm for the size; MESSAGE_BYTES per rank):
 *   alltoall   MPI_Alltoall of MESSAGE_BYTES per pair
 *   allreduce  MPI_Allreduce (MPI_SUM) of MESSAGE_BYTES of doubles
 *   bcast      MPI_Bcast of MESSAGE_BYTES from rank 0
 *   reduce     MPI_Reduce (MPI_SUM) of MESSAGE_BYTES of doubles to rank 0
 *
 * Rank 0 prints one JSON object on standard output: the settings, the wall-clock time the timed
 * loop began (startEpochMs, after a barrier), each iteration's time (the slowest rank's, in seconds,
 * from the end of one iteration's barrier-free exchange to the next) and, for the point-to-point
 * patterns and MPI_Alltoall, the payload bytes all ranks sent to other ranks (-1 for the other
 * collectives, whose bytes are their algorithm's). Errors go to standard error, exit code 2.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <sys/time.h>

#define MAX_PEERS 32

static void usage(int rank, const char *why) {
    if (rank == 0) {
        fprintf(stderr, "exchange: %s\nusage: exchange ring|mesh|tree|hypercube|pipeline|alltoall|allreduce|bcast|reduce"
                " ITERATIONS|DURATIONs MESSAGE_BYTES COMPUTE_MS\n", why);
    }
    MPI_Finalize();
    exit(2);
}

static long parse(int rank, const char *s, long min, long max, const char *what) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s must be a whole number from %ld to %ld: '%s'", what, min, max, s);
        usage(rank, msg);
    }
    return v;
}

static void compute(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

/* rows x cols = n, rows <= cols, as square as n allows */
static void grid(int n, int *rows, int *cols) {
    int r = 1;
    for (int i = 1; i * i <= n; i++) {
        if (n % i == 0) {
            r = i;
        }
    }
    *rows = r;
    *cols = n / r;
}

enum pattern { RING, MESH, TREE, HYPERCUBE, PIPELINE, ALLTOALL, ALLREDUCE, BCAST, REDUCE };
static const char *NAMES[] = {"ring", "mesh", "tree", "hypercube", "pipeline", "alltoall", "allreduce", "bcast", "reduce"};

/* the peers a rank exchanges with both ways (ring, mesh, hypercube) */
static int neighbours(enum pattern p, int rank, int size, int *peers) {
    int n = 0;
    if (p == RING) {
        peers[n++] = (rank + 1) % size;
        if (size > 2) {
            peers[n++] = (rank + size - 1) % size;
        }
    } else if (p == MESH) {
        int rows, cols;
        grid(size, &rows, &cols);
        int r = rank / cols, c = rank % cols;
        if (r > 0) peers[n++] = rank - cols;
        if (r < rows - 1) peers[n++] = rank + cols;
        if (c > 0) peers[n++] = rank - 1;
        if (c < cols - 1) peers[n++] = rank + 1;
    } else if (p == HYPERCUBE) {
        for (int bit = 1; bit < size && n < MAX_PEERS; bit <<= 1) {
            peers[n++] = rank ^ bit;
        }
    }
    return n;
}

/* one iteration's communication; returns the payload bytes this rank sent to others (-1: a collective) */
static long long communicate(enum pattern p, int rank, int size, const int *peers, int npeers, char *out, char *in,
                             size_t per) {
    MPI_Request req[2 * MAX_PEERS + 2];
    int n = 0;
    switch (p) {
    case RING:
    case MESH:
    case HYPERCUBE:
        for (int k = 0; k < npeers; k++) {
            MPI_Irecv(in + k * per, (int) per, MPI_BYTE, peers[k], 3, MPI_COMM_WORLD, &req[n++]);
        }
        for (int k = 0; k < npeers; k++) {
            MPI_Isend(out + k * per, (int) per, MPI_BYTE, peers[k], 3, MPI_COMM_WORLD, &req[n++]);
        }
        MPI_Waitall(n, req, MPI_STATUSES_IGNORE);
        return npeers * (long long) per;
    case TREE: {
        int left = 2 * rank + 1, right = 2 * rank + 2, parent = (rank - 1) / 2;
        long long sent = 0;
        /* up: from the children, then to the parent */
        if (left < size) MPI_Irecv(in, (int) per, MPI_BYTE, left, 4, MPI_COMM_WORLD, &req[n++]);
        if (right < size) MPI_Irecv(in + per, (int) per, MPI_BYTE, right, 4, MPI_COMM_WORLD, &req[n++]);
        MPI_Waitall(n, req, MPI_STATUSES_IGNORE);
        if (rank > 0) {
            MPI_Send(out, (int) per, MPI_BYTE, parent, 4, MPI_COMM_WORLD);
            sent += (long long) per;
            MPI_Recv(in, (int) per, MPI_BYTE, parent, 5, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        }
        /* down: to the children */
        n = 0;
        if (left < size) MPI_Isend(out, (int) per, MPI_BYTE, left, 5, MPI_COMM_WORLD, &req[n++]);
        if (right < size) MPI_Isend(out, (int) per, MPI_BYTE, right, 5, MPI_COMM_WORLD, &req[n++]);
        MPI_Waitall(n, req, MPI_STATUSES_IGNORE);
        return sent + n * (long long) per;
    }
    case PIPELINE:
        if (rank > 0) MPI_Irecv(in, (int) per, MPI_BYTE, rank - 1, 6, MPI_COMM_WORLD, &req[n++]);
        if (rank < size - 1) MPI_Isend(out, (int) per, MPI_BYTE, rank + 1, 6, MPI_COMM_WORLD, &req[n++]);
        MPI_Waitall(n, req, MPI_STATUSES_IGNORE);
        return rank < size - 1 ? (long long) per : 0;
    case ALLTOALL:
        MPI_Alltoall(out, (int) per, MPI_BYTE, in, (int) per, MPI_BYTE, MPI_COMM_WORLD);
        return (size - 1) * (long long) per; /* what each linear algorithm sends (Bruck's sends more) */
    case ALLREDUCE:
        MPI_Allreduce(out, in, (int) (per / sizeof(double)), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        return -1;
    case BCAST:
        MPI_Bcast(out, (int) per, MPI_BYTE, 0, MPI_COMM_WORLD);
        return -1;
    case REDUCE:
        MPI_Reduce(out, in, (int) (per / sizeof(double)), MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        return -1;
    }
    return -1;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 5) {
        usage(rank, "four arguments expected");
    }
    int found = -1;
    for (int i = 0; i < (int) (sizeof NAMES / sizeof NAMES[0]); i++) {
        if (strcmp(argv[1], NAMES[i]) == 0) {
            found = i;
        }
    }
    if (found < 0) {
        usage(rank, "unknown pattern");
    }
    enum pattern p = (enum pattern) found;
    size_t arglen = strlen(argv[2]);
    long durationS = 0, iterations = 0;
    if (arglen > 1 && argv[2][arglen - 1] == 's') {
        char copy[32];
        if (arglen >= sizeof copy) {
            usage(rank, "DURATION too long");
        }
        memcpy(copy, argv[2], arglen - 1);
        copy[arglen - 1] = '\0';
        durationS = parse(rank, copy, 1, 86400, "DURATION (seconds)");
    } else {
        iterations = parse(rank, argv[2], 1, 1000000, "ITERATIONS");
    }
    long bytes = parse(rank, argv[3], 8, 64L << 20, "MESSAGE_BYTES");
    long computeMs = parse(rank, argv[4], 0, 60000, "COMPUTE_MS");
    if (size < 2) {
        usage(rank, "at least two ranks needed");
    }
    if (p == HYPERCUBE && (size & (size - 1)) != 0) {
        usage(rank, "hypercube needs a power-of-two number of ranks");
    }
    int peers[MAX_PEERS];
    int npeers = neighbours(p, rank, size, peers);
    size_t per = (size_t) bytes;
    size_t slots = p == ALLTOALL ? (size_t) size : (size_t) (npeers > 2 ? npeers : 2);
    char *out = malloc(per * slots), *in = malloc(per * slots);
    if (out == NULL || in == NULL) {
        fprintf(stderr, "exchange: rank %d cannot allocate %zu bytes\n", rank, 2 * per * slots);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    memset(out, 0, per * slots);
    if (durationS > 0) {
        /* three iterations timed; rank 0 chooses the count that fills the duration, one broadcast */
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        for (int i = 0; i < 3; i++) {
            compute(computeMs);
            communicate(p, rank, size, peers, npeers, out, in, per);
        }
        double each = (MPI_Wtime() - t0) / 3;
        long count = each > 0 ? (long) (durationS / each) : 1000000;
        iterations = count < 1 ? 1 : count > 1000000 ? 1000000 : count;
        MPI_Bcast(&iterations, 1, MPI_LONG, 0, MPI_COMM_WORLD);
    }
    double *times = malloc(sizeof(double) * iterations);
    if (times == NULL) {
        fprintf(stderr, "exchange: rank %d cannot allocate %ld times\n", rank, iterations);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    long long sent = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    struct timeval wall;
    gettimeofday(&wall, NULL);
    long long startEpochMs = (long long) wall.tv_sec * 1000 + wall.tv_usec / 1000;
    double last = MPI_Wtime();
    for (long it = 0; it < iterations; it++) {
        compute(computeMs);
        sent += communicate(p, rank, size, peers, npeers, out, in, per);
        double now = MPI_Wtime();
        times[it] = now - last;
        last = now;
    }
    double *slowest = rank == 0 ? malloc(sizeof(double) * iterations) : NULL;
    MPI_Reduce(times, slowest, (int) iterations, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    long long total = 0;
    MPI_Reduce(&sent, &total, 1, MPI_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        printf("{\"pattern\":\"%s\",\"ranks\":%d,\"iterations\":%ld,\"messageBytes\":%ld,\"computeMs\":%ld,"
               "\"startEpochMs\":%lld,\"bytesSent\":%lld,\"seconds\":[", NAMES[p], size, iterations, bytes, computeMs,
               startEpochMs, total < 0 ? -1LL : total);
        for (long i = 0; i < iterations; i++) {
            printf(i == 0 ? "%.6f" : ",%.6f", slowest[i]);
        }
        printf("]}\n");
        fflush(stdout);
    }
    free(out);
    free(in);
    free(times);
    free(slowest);
    MPI_Finalize();
    return 0;
}
