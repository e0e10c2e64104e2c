/*
 * The MPI program of VNET's tests and benchmarks: a bulk-synchronous loop of compute (a sleep, so
 * that ranks sharing a machine do not starve each other or the overlay) and one communication
 * pattern per iteration, timed.
 *
 *   exchange PATTERN ITERATIONS MESSAGE_BYTES COMPUTE_MS
 *
 * PATTERN:
 *   ring      each rank exchanges MESSAGE_BYTES with both neighbours of a ring (MPI_Sendrecv)
 *   mesh      a 2-D grid of R x C ranks (as square as the rank count allows; not periodic), each
 *             exchanging with its up to four neighbours (MPI_Isend / MPI_Irecv)
 *   alltoall  MPI_Alltoall of MESSAGE_BYTES per pair (MPI's default algorithm)
 *
 * Rank 0 prints one JSON object on standard output: the settings, each iteration's time (the
 * slowest rank's, in seconds, from the end of one iteration's barrier-free exchange to the next)
 * and the payload bytes all ranks sent to other ranks. Errors go to standard error, exit code 2.
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>

static void usage(int rank, const char *why) {
    if (rank == 0) {
        fprintf(stderr, "exchange: %s\nusage: exchange ring|mesh|alltoall ITERATIONS MESSAGE_BYTES COMPUTE_MS\n", why);
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

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 5) {
        usage(rank, "four arguments expected");
    }
    const char *pattern = argv[1];
    long iterations = parse(rank, argv[2], 1, 1000000, "ITERATIONS");
    long bytes = parse(rank, argv[3], 1, 64L << 20, "MESSAGE_BYTES");
    long computeMs = parse(rank, argv[4], 0, 60000, "COMPUTE_MS");
    int ring = strcmp(pattern, "ring") == 0, mesh = strcmp(pattern, "mesh") == 0, all = strcmp(pattern, "alltoall") == 0;
    if (!ring && !mesh && !all) {
        usage(rank, "unknown pattern");
    }
    if (size < 2) {
        usage(rank, "at least two ranks needed");
    }
    int peers[4], npeers = 0;
    if (ring) {
        peers[npeers++] = (rank + 1) % size;
        peers[npeers++] = (rank + size - 1) % size;
    } else if (mesh) {
        int rows, cols;
        grid(size, &rows, &cols);
        int r = rank / cols, c = rank % cols;
        if (r > 0) peers[npeers++] = rank - cols;
        if (r < rows - 1) peers[npeers++] = rank + cols;
        if (c > 0) peers[npeers++] = rank - 1;
        if (c < cols - 1) peers[npeers++] = rank + 1;
    }
    size_t per = (size_t) bytes;
    size_t slots = all ? (size_t) size : (size_t) (npeers > 0 ? npeers : 1);
    char *out = malloc(per * slots), *in = malloc(per * slots);
    double *times = malloc(sizeof(double) * iterations);
    if (out == NULL || in == NULL || times == NULL) {
        fprintf(stderr, "exchange: rank %d cannot allocate %zu bytes\n", rank, 2 * per * slots);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    memset(out, rank & 0xFF, per * slots);
    long long sent = 0;
    MPI_Request req[8];
    MPI_Barrier(MPI_COMM_WORLD);
    double last = MPI_Wtime();
    for (long it = 0; it < iterations; it++) {
        compute(computeMs);
        if (ring) {
            MPI_Sendrecv(out, (int) per, MPI_BYTE, peers[0], 1, in, (int) per, MPI_BYTE, peers[1], 1, MPI_COMM_WORLD,
                    MPI_STATUS_IGNORE);
            MPI_Sendrecv(out + per, (int) per, MPI_BYTE, peers[1], 2, in + per, (int) per, MPI_BYTE, peers[0], 2,
                    MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            sent += 2 * (long long) per;
        } else if (mesh) {
            for (int p = 0; p < npeers; p++) {
                MPI_Irecv(in + p * per, (int) per, MPI_BYTE, peers[p], 3, MPI_COMM_WORLD, &req[p]);
            }
            for (int p = 0; p < npeers; p++) {
                MPI_Isend(out + p * per, (int) per, MPI_BYTE, peers[p], 3, MPI_COMM_WORLD, &req[npeers + p]);
            }
            MPI_Waitall(2 * npeers, req, MPI_STATUSES_IGNORE);
            sent += npeers * (long long) per;
        } else {
            MPI_Alltoall(out, (int) per, MPI_BYTE, in, (int) per, MPI_BYTE, MPI_COMM_WORLD);
            sent += (size - 1) * (long long) per;
        }
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
               "\"bytesSent\":%lld,\"seconds\":[", pattern, size, iterations, bytes, computeMs, total);
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
