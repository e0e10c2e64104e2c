#!/usr/bin/env bash
# Benchmark: the cost of VTTIF's per-pair counting on forwarding throughput (run as root).
# Arguments: [rounds] [seconds]  (default 4 rounds of 10 s each way).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
mvn -B -q -ntp install -DskipTests
exec java -cp "integration-tests/benchmarks/target/classes:$(cat integration-tests/benchmarks/target/classpath.txt)" \
  -Dvnet.repo="$PWD" io.vnet.it.bench.CountingBenchmark "$@"
