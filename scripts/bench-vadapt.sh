#!/usr/bin/env bash
# Benchmark: VADAPT at scale, on ONE core. Runs io.vnet.vadapt.bench.ScaleBenchmark (bundles/vadapt test
# sources) on random instances of 1000 VMs on 200 hosts (a 25x40 mesh, 1935 pairs; seeds 1,2,3, where seed 3
# is the instance of AlgorithmsTest): topk (k = 4), greedy, and anneal with Budget.defaults() (20000
# iterations, seed 1, no time limit). Warm-up runs, then measured runs; prints a Markdown table with the median
# and max wall time, the median CPU time, the pair count, the predicted gain, the objective and the peak heap.
# The JVM is pinned to one core (taskset) and told it has one processor, so the JIT and the GC share that core.
# Takes about 3 minutes with the defaults (anneal is most of it).
#
# Arguments go to the benchmark: [--seeds 1,2,3] [--runs 5] [--warmup 2] [--algorithms topk,greedy,anneal]
#   [--anneal-iterations 20000] [--anneal-runs 3] [--anneal-warmup 1] [--topk 4] [--vms 1000] [--hosts 200]
#   [--capacity 6] [--rows 25] [--cols 40]
# Environment: VADAPT_BENCH_CPU (the core, default 0), VADAPT_BENCH_JAVA_OPTS (default -Xmx512m),
#   VNET_MVN_ARGS (extra Maven arguments, e.g. "-o"), VADAPT_BENCH_BUILD=module to build only bundles/vadapt
#   (its dependencies already installed) instead of it and the modules it needs.
# Needs Java 17 and Maven; as root on Debian it installs them if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v java >/dev/null && java -version 2>&1 | grep -q '"17\|"2[0-9]' || need+=(openjdk-17-jdk-headless)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
command -v taskset >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "bench-vadapt.sh: missing ${need[*]}; install them, or run as root" >&2
    exit 1
  fi
  echo "bench-vadapt.sh: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
cpu="${VADAPT_BENCH_CPU:-0}"
also_make=-am
[ "${VADAPT_BENCH_BUILD:-}" = module ] && also_make=
# shellcheck disable=SC2086
mvn -B -ntp -q ${VNET_MVN_ARGS:-} -pl bundles/vadapt $also_make install -DskipTests
# shellcheck disable=SC2086
mvn -B -ntp -q ${VNET_MVN_ARGS:-} -pl bundles/vadapt dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=runtime
cp="bundles/vadapt/target/test-classes:bundles/vadapt/target/classes:$(cat bundles/vadapt/target/bench-classpath.txt)"
echo "Command: ./scripts/bench-vadapt.sh $*"
echo "Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "Machine: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r), $(nproc) cores" \
  "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), pinned to core $cpu"
echo "Load at start: $(uptime)"
# shellcheck disable=SC2086
taskset -c "$cpu" java -XX:ActiveProcessorCount=1 ${VADAPT_BENCH_JAVA_OPTS:--Xmx512m} -cp "$cp" \
  io.vnet.vadapt.bench.ScaleBenchmark "$@"
echo
echo "Load at end: $(uptime)"
