#!/usr/bin/env bash
# Benchmark: the data plane VM to VM (run as root): iperf3 TCP with 1 and 4 streams and ping RTT over
# a direct veth path, kernel VXLAN (as ip link makes it), kernel VXLAN over wireguard-go, tinc 1.0 in
# switch mode (default crypto and none), and the agent
# over TCP, mutual TLS and UDP/VXLAN, all in one run. Prints a Markdown table (ratios to kernel VXLAN
# and to tinc, the agent's CPU s/GB and peak RSS, the targets) and writes it to
# integration-tests/benchmarks/target/bench-dataplane.md. Takes about 8 minutes with the defaults.
# Arguments: [--only direct,vxlan,vxlan-wg,tinc,tinc-none,tcp,tls,udp] [--seconds 10] [--pings 100] [--idle-pings 10] [--warmup 3]
#            [--mtu 1450] [--out FILE]
# VNET_MVN_ARGS: extra Maven arguments for the build (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
# shellcheck disable=SC2086
mvn -B -q -ntp ${VNET_MVN_ARGS:-} install -DskipTests
exec java -cp "integration-tests/benchmarks/target/classes:$(cat integration-tests/benchmarks/target/classpath.txt)" \
  -Dvnet.repo="$PWD" -Dvnet.bench.command="./scripts/bench-dataplane.sh $*" \
  io.vnet.it.bench.DataPlaneBenchmark "$@"
