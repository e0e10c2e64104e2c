#!/usr/bin/env bash
# Benchmark: a real parallel application over the overlay (run as root). Debian's OpenMPI runs the tests'
# MPI program (integration-tests/workloads/src/main/mpi/exchange.c, built with mpicc) with 8 ranks, one per VM, on 4
# hosts (rank r on host r mod 4): ring, 2-D mesh and all-to-all exchanges of 64 KiB with 10 ms of compute (a
# sleep) per iteration, over one Linux bridge (the ceiling), a kernel VXLAN star (a spoke per host, bridged
# at the hub) and the agents' star through the proxy (mutual TLS, the default). OpenMPI as its users run it
# over TCP: --mca btl tcp,self, --mca mpi_yield_when_idle 1, default collectives. Prints a Markdown table
# (mean, 95th percentile and max iteration time, the agents against the kernel star, the share of the ranks'
# bytes the agents counted) and writes it to integration-tests/benchmarks/target/bench-mpi.md. About 6 minutes.
# Arguments: [--iterations 100] [--warmup-iterations 100] [--message-bytes 65536] [--compute-ms 10]
#            [--patterns ring,mesh,alltoall] [--path bridge,vxlan,agents,agents-kernel] [--out FILE]
# VNET_MVN_ARGS: extra Maven arguments for the build (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
# shellcheck disable=SC2086
mvn -B -q -ntp ${VNET_MVN_ARGS:-} install -DskipTests
exec java -cp "integration-tests/benchmarks/target/classes:$(cat integration-tests/benchmarks/target/classpath.txt)" \
  -Dvnet.repo="$PWD" -Dvnet.bench.command="./scripts/bench-mpi.sh $*" \
  io.vnet.it.bench.MpiBenchmark "$@"
