#!/usr/bin/env bash
# The local demo (run as root on Debian 12): installs what is missing, builds VNET, then runs
# two test hosts with one VM each, pings and runs iperf3 across the overlay, shows the link
# counters and tears everything down. Optional argument: iperf3 seconds (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
echo "demo: building (mvn package, tests skipped; ./scripts/test.sh runs them)..."
mvn -B -q -ntp install -DskipTests
exec java -cp "integration-tests/target/classes:$(cat integration-tests/target/classpath.txt)" \
  -Dvnet.repo="$PWD" io.vnet.it.demo.Demo "$@"
