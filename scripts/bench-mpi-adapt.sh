#!/usr/bin/env bash
# Benchmark (issue 18, item 4): the founding experiment on real MPI programs (run as root). On the founding
# experiment's cloud (4 VM hosts in a star of agents through the proxy, the manager, every overlay uplink
# shaped to 50 Mbit/s with tbf), each program of the MPI inference benchmark (scripts/bench-mpi-inference.sh:
# the tests' MPI program with point-to-point patterns and MPI's own collectives, and Debian's LAMMPS) runs with
# 8 and then 16 ranks three times: on the star (adaptation off), on the full mesh of direct links (set through
# the desired-state API), and with the closed loop in automatic mode from the start and nothing else done. For
# each: the class the manager reported, when, the share it explains, and the program's own median iteration
# time on the star, adapted and on the mesh, with the targets (adapted >= 2x faster than the star wherever
# the mesh is >= 2.2x faster; adapted within 1.2x of the mesh). Prints a Markdown table and writes it to
# integration-tests/benchmarks/target/bench-mpi-adapt.md. About 35 minutes.
# Arguments: [--ranks 8,16] [--rate-mbps 50] [--duration 15] [--only PATTERN] [--out FILE]
# VNET_MVN_ARGS: extra Maven arguments for the build (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
# shellcheck disable=SC2086
mvn -B -q -ntp ${VNET_MVN_ARGS:-} install -DskipTests
exec java -cp "integration-tests/benchmarks/target/classes:$(cat integration-tests/benchmarks/target/classpath.txt)" \
  -Dvnet.repo="$PWD" io.vnet.it.bench.MpiAdaptation "$@"
