#!/usr/bin/env bash
# Runs every test (run as root on Debian 12): installs what is missing (scripts/setup.sh), builds the
# management page and runs its tests with Debian 12's own Node.js 18 (scripts/check-debian-node.sh),
# then Maven: the unit tests (Java, and the page's Vitest tests), then the integration tests that
# build test hosts from network namespaces and run the real agents, then a short fuzzing of every
# parser (scripts/fuzz.sh --short), then the .deb packages installed, started, upgraded and restored in a
# stock Debian 12 booted with systemd (scripts/check-packages.sh). An integration test never skips:
# a missing tool or privilege fails the run. Says what it does as it goes (Maven's output summarised,
# whole in target/logs/maven.log) and ends with the time of each stage and the counts.
set -euo pipefail
cd "$(dirname "$0")/.."
PROGRESS_NAME=test
. scripts/lib/progress.sh
BUDGET_MINUTES=60
stage_reset
: >"$VNET_LOGS/it-classes.tsv"
# SoakIT runs beside the other integration test classes (io.vnet.it.CiOrder): its time is not the run's
export VNET_ITS_BESIDE="SoakIT"
say "every test: setup, the page on Debian 12's Node.js, then Maven's unit and integration tests (whole output in $VNET_LOGS)"
stage "setup (scripts/setup.sh)" ./scripts/setup.sh
status=0
stage "the page on Debian 12's Node.js (check-debian-node.sh)" ./scripts/check-debian-node.sh || status=$?

say "Maven: build, unit tests, then the integration tests (mvn -B -ntp verify)"
_now t0
mvn_status=0
logged maven maven "building" mvn -B -ntp verify -DVNET_TEST_PG_URL="$(cat /var/lib/vnet-test/postgres.url)" || mvn_status=$?
((mvn_status == 0)) || status=$mvn_status
_now t1
count() { # dir -> "tests failures errors skipped", from the JUnit reports under */target/dir
  local reports
  mapfile -t reports < <(find . -path "*/target/$1/TEST-*.xml" 2>/dev/null)
  junit_counts "${reports[@]}"
}
read -r ut uf ue us <<<"$(count surefire-reports)" # only Maven writes them
it_secs=0
it_failed=0
while IFS=$'\t' read -r name secs rc; do
  [[ $name == *"(beside the others)" ]] || it_secs=$((it_secs + secs))
  [ "${rc:-0}" = 0 ] || it_failed=$((it_failed + 1))
done <"$VNET_LOGS/it-classes.tsv"
# Maven's status is the whole build's: where integration test classes failed it says so, and the table
# marks those classes; the row then says whether the unit tests failed too
maven_rc=$mvn_status
if ((mvn_status != 0 && it_failed > 0 && uf + ue == 0)); then
  maven_rc="$mvn_status: $it_failed integration test class(es) below; no unit test failed"
fi
stage_record "Maven: build, unit tests, packaging (not the IT classes)" $((t1 - t0 - it_secs)) "$maven_rc"
cat "$VNET_LOGS/it-classes.tsv" >>"$VNET_LOGS/stages.tsv"
# The .deb packages Maven built, in a stock Debian 12 booted with systemd: install, start, upgrade, restore.
stage "the packages in a booted Debian 12 (check-packages.sh)" ./scripts/check-packages.sh || status=$?
# Every parser fuzzed for a few seconds from its committed corpus (the build above made the classes and
# class paths; nothing is written to the corpora), its coverage shown; a finding or a leak fails.
stage "fuzzing: each parser briefly (scripts/fuzz.sh --short)" ./scripts/fuzz.sh --short --no-build || status=$?

# Count what ran, from the reports (the unit tests' were counted after Maven).
read -r it if_ ie is <<<"$(count failsafe-reports)"
# the data plane tests' second run, on the kernel path (integration-tests/tests/pom.xml)
read -r kt kf ke ks <<<"$(count failsafe-reports-kernel)"
it=$((it + kt)) if_=$((if_ + kf)) ie=$((ie + ke)) is=$((is + ks))
stage_report "$BUDGET_MINUTES"
echo
echo "unit tests:        $ut run, $((uf+ue)) failed, $us skipped"
echo "integration tests: $it executed, $((if_+ie)) failed, $is skipped"
if [ "$it" -eq 0 ]; then echo "test.sh: no integration test ran" >&2; status=1; fi
if [ "$is" -ne 0 ]; then echo "test.sh: integration tests must not skip" >&2; status=1; fi
echo "tests: $((ut+it-uf-ue-if_-ie-us-is)) passed, $((uf+ue+if_+ie)) failed"
if [ $((uf+ue+if_+ie)) -ne 0 ]; then
  echo "what failed (the reports under */target/*-reports*):"
  mapfile -t reports < <(find . -path "*/target/*-reports*/TEST-*.xml" 2>/dev/null)
  junit_failures "${reports[@]}" | head -40
fi
exit $status
