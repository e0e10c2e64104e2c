#!/usr/bin/env bash
# Benchmark: does VADAPT's overlay make a BSP application faster, and how fast does it come? (run as root)
# 4 VM hosts and a proxy host as network namespaces, 8 VMs, the manager; every overlay uplink shaped with tc tbf
# to the same rate in both directions; the patterns workload (all-to-all, ring, 2-D mesh; two message sizes) on
# the VNET star through the proxy, on top-k direct host links for each k, on the full direct mesh, and on the
# overlay the manager's closed loop chooses itself (per algorithm), with the time from a pattern's start to the
# new overlay. Prints a Markdown table and writes it to integration-tests/benchmarks/target/bench-adapt.md, and a plot to
# integration-tests/benchmarks/target/bench-adapt.png. Takes about 13 minutes with the defaults (50 Mbit/s, 32 and 128 KiB).
# Arguments: [--rate-mbit 50] [--seconds 12] [--sizes 32k,128k] [--compute-ms 5] [--patterns all,ring,mesh]
#            [--ks 1,2,3,4,5] [--warmup-seconds 1.5] [--skip 2] [--warmup-run-seconds 24] [--only star,topk,mesh,closed]
#            [--closed-loop | --no-closed-loop] [--algorithms greedy,anneal,topk] [--closed-loop-seconds 15]
#            [--closed-loop-sizes 32k] [--timeline ring:15,all:15 | none] [--settle-ms 1000] [--vm-hosts 4] [--vms-per-host 2]
#            [--out FILE.md] [--png FILE.png]
# Without --closed-loop the closed loop runs if the manager offers automatic mode, and is reported as skipped if not.
# VNET_MVN_ARGS: extra Maven arguments for the build (e.g. "-o -Dmaven.repo.local=DIR").
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
# shellcheck disable=SC2086
mvn -B -q -ntp ${VNET_MVN_ARGS:-} install -DskipTests
exec java -Djava.awt.headless=true -cp "integration-tests/benchmarks/target/classes:$(cat integration-tests/benchmarks/target/classpath.txt)" \
  -Dvnet.repo="$PWD" -Dvnet.bench.command="./scripts/bench-adapt.sh $*" \
  io.vnet.it.bench.adapt.AdaptBenchmark "$@"
