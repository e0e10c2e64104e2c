#!/usr/bin/env bash
# The load generator (issue 21, item 3): N simulated agents (default 10,000), each a real control-channel connection
# with mutual TLS from its own 127.0.0.0/8 address, reporting the BSP patterns' VM pairs every second, against a
# manager it starts itself (root namespace, loopback, free ports) or against --managers HOST:PORT[,...]. Measures
# report-to-matrix latency, classification time after pattern changes, REST latency, the manager's CPU, heap and
# reports per second; prints a table and writes --out FILE as JSON. integration-tests/loadgen/README.md has every flag.
# Examples:
#   ./scripts/loadgen.sh --agents 10000 --networks 1000 --duration 180 --out /tmp/loadgen.json
#   ./scripts/loadgen.sh --agents 500 --networks 50 --duration 60 --jdbc "$(cat /var/lib/vnet-test/postgres.url)"
# The certificates are made once per CA and cached (default /var/lib/vnet-test/loadgen-certs/<CA's SHA-256>).
# VNET_MVN_ARGS: extra Maven arguments for the build (e.g. "-o"); VNET_LOADGEN_JAVA_OPTS: the generator's JVM options.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${VNET_LOADGEN_NO_BUILD:-}" ]; then
  # shellcheck disable=SC2086
  mvn -B -q -ntp ${VNET_MVN_ARGS:-} install -DskipTests
fi
# thousands of sockets: raise the soft limit to the hard one
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# shellcheck disable=SC2086
exec java ${VNET_LOADGEN_JAVA_OPTS:--Xmx3g} -cp "integration-tests/loadgen/target/classes:$(cat integration-tests/loadgen/target/classpath.txt)" \
  io.vnet.it.load.LoadGenerator --repo "$PWD" "$@"
