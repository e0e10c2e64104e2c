#!/usr/bin/env bash
# Runs every test (run as root on Debian 12): unit tests, then the integration tests that
# build test hosts from network namespaces and run the real agents. Installs what is missing.
# An integration test never skips: a missing tool or privilege fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
status=0
mvn -B -ntp verify -DVNET_TEST_PG_URL="$(cat /var/lib/vnet-test/postgres.url)" || status=$?

# Count what ran, from the reports.
count() { # dir -> "tests failures errors skipped"
  local t=0 f=0 e=0 s=0
  for x in $(find . -path "*/target/$1/TEST-*.xml" 2>/dev/null); do
    # a surefire/failsafe report has one <testsuite>; Vitest's (ui-extension) one <testsuites> around its files
    line=$(grep -m1 -o '<testsuites\? [^>]*>' "$x")
    for k in tests failures errors skipped; do
      v=$(sed -n "s/.* $k=\"\([0-9]*\)\".*/\1/p" <<<"$line"); v=${v:-0}
      case $k in tests) t=$((t+v));; failures) f=$((f+v));; errors) e=$((e+v));; skipped) s=$((s+v));; esac
    done
  done
  echo "$t $f $e $s"
}
read -r ut uf ue us <<<"$(count surefire-reports)"
read -r it if_ ie is <<<"$(count failsafe-reports)"
echo
echo "unit tests:        $ut run, $((uf+ue)) failed, $us skipped"
echo "integration tests: $it executed, $((if_+ie)) failed, $is skipped"
if [ "$it" -eq 0 ]; then echo "test.sh: no integration test ran" >&2; status=1; fi
if [ "$is" -ne 0 ]; then echo "test.sh: integration tests must not skip" >&2; status=1; fi
echo "tests: $((ut+it-uf-ue-if_-ie-us-is)) passed, $((uf+ue+if_+ie)) failed"
exit $status
