#!/usr/bin/env bash
# Benchmark: many flows at once through a star (run as root). Four hosts around a hub, two VMs each,
# eight concurrent iperf3 TCP flows between VMs on different hosts (each host sends two and receives
# two) and a ping across the star under that load, over a kernel VXLAN star of the same shape (one
# VXLAN spoke per host, bridged at the hub), over the agents' star through the proxy (mutual TLS,
# the default) and over the agents' star on the kernel path (VXLAN links, a host agent as hub). Then
# two tenants sharing one link (7 flows against 1), over mutual TLS and over the kernel path. Prints
# a Markdown table (each flow's rate, Jain's fairness index over the run and in the worst second, the
# aggregate against one flow alone, the ping) and writes it to integration-tests/benchmarks/target/bench-fairness.md.
# About 2 minutes with the defaults.
# Arguments: [--path vxlan,agents,agents-kernel|none] [--tenants agents,agents-kernel] [--seconds 10] [--out FILE]
# VNET_MVN_ARGS: extra Maven arguments for the build (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
# shellcheck disable=SC2086
mvn -B -q -ntp ${VNET_MVN_ARGS:-} install -DskipTests
exec java -cp "integration-tests/benchmarks/target/classes:$(cat integration-tests/benchmarks/target/classpath.txt)" \
  -Dvnet.repo="$PWD" -Dvnet.bench.command="./scripts/bench-fairness.sh $*" \
  io.vnet.it.bench.FairnessBenchmark "$@"
