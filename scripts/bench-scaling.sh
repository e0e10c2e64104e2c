#!/usr/bin/env bash
# Benchmark: more than one core (issue 16 item 3), run as root. iperf3 TCP VM to VM between two hosts
# for the agent over mutual TLS and over plain TCP links, with (eventLoops, linkLanes) in
# (1,1) (2,1) (2,2) (2,4), iperf3 with 1, 2, 4 and 8 streams, the agents "shared" (unpinned) and
# "pinned" (ha on CPU 0, hb on CPU 1: a cpuset cgroup where one can be made, else taskset, by pid),
# and kernel VXLAN with the same streams as the reference (at the start and at the end). Per cell:
# Gbit/s, the ratio to kernel VXLAN, the agents' CPU s/GB and the link's stats line (all lanes up, or
# the cell fails). Prints a Markdown matrix and writes it to integration-tests/benchmarks/target/bench-scaling.md.
# Takes about 13 minutes with the defaults; --quick measures 3 cells (about 1.5 minutes).
# Arguments: [--seconds 5] [--omit 1] [--warmup 3] [--only-transport tls|tcp] [--quick] [--mtu 1450] [--out FILE]
# VNET_MVN_ARGS: extra Maven arguments for the build (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
# shellcheck disable=SC2086
mvn -B -q -ntp ${VNET_MVN_ARGS:-} install -DskipTests
exec java -cp "integration-tests/benchmarks/target/classes:$(cat integration-tests/benchmarks/target/classpath.txt)" \
  -Dvnet.repo="$PWD" -Dvnet.bench.command="./scripts/bench-scaling.sh $*" \
  io.vnet.it.bench.ScalingBenchmark "$@"
