#!/usr/bin/env bash
# The local demo (run as root on Debian 12): installs what is missing, builds VNET, then runs four
# parts on test hosts made of network namespaces: (1) two hosts with one VM each, ping and iperf3
# across the overlay and the link counters; (2) the manager inferring the topology of the BSP patterns
# workload (ring, 2-D mesh, all-to-all) from live traffic; (3) VADAPT's closed loop: on shaped uplinks an
# all-to-all gets faster once the manager adds fast paths by itself; (4) the home network: a cloud VM gets
# its address by DHCP from a home LAN through the proxy's pcap port and pings the home PC. Everything is
# torn down at the end. Optional argument: iperf3 seconds (default 5). Says what it does as it goes
# (Maven's output summarised, whole in target/logs/maven.log; the demo's own in target/logs/demo.log).
set -euo pipefail
cd "$(dirname "$0")/.."
PROGRESS_NAME=demo
. scripts/lib/progress.sh
./scripts/setup.sh
say "building VNET (mvn install, tests skipped; ./scripts/test.sh runs them)"
logged maven maven "building" mvn -B -ntp install -DskipTests
say "built; the demo starts (four parts, about two minutes)"
logged plain demo "running the demo" java -cp "integration-tests/demo/target/classes:$(cat integration-tests/demo/target/classpath.txt)" \
  -Dvnet.repo="$PWD" io.vnet.it.demo.Demo "$@"
say "done"
