#!/usr/bin/env bash
# Benchmark (issue 18, item 3): what VTTIF names real MPI programs (run as root). On the founding experiment's
# cloud (4 VM hosts in a star of agents through the proxy, the manager with VTTIF, unshaped links), Debian's
# OpenMPI runs the tests' MPI program (integration-tests/workloads/src/main/mpi/exchange.c) with 8 and then 16
# ranks, one per VM: point-to-point ring, 2-D mesh, binary tree both ways, hypercube and pipeline, and MPI's own
# MPI_Alltoall, MPI_Allreduce (1 KiB and 1 MiB), MPI_Bcast and MPI_Reduce; then Debian's LAMMPS (lmp), unchanged,
# on a Lennard-Jones liquid (integration-tests/workloads/src/main/mpi/lj-liquid.in). For each: the class expected
# (from the algorithm Open MPI 4.1.4 picks at that size), whether the manager reported it within 10 s of the
# program's start, when, the share of the bytes it explains, and what was reported last. Prints a Markdown table
# and writes it to integration-tests/benchmarks/target/bench-mpi-inference.md. About 10 minutes.
# Arguments: [--ranks 8,16] [--duration 20] [--only PATTERN] [--out FILE]
# VNET_MVN_ARGS: extra Maven arguments for the build (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
# shellcheck disable=SC2086
mvn -B -q -ntp ${VNET_MVN_ARGS:-} install -DskipTests
exec java -cp "integration-tests/benchmarks/target/classes:$(cat integration-tests/benchmarks/target/classpath.txt)" \
  -Dvnet.repo="$PWD" io.vnet.it.bench.MpiInference "$@"
