#!/usr/bin/env bash
# Runs one of the README's two commands as a newcomer would on a fresh Debian 12 machine:
#   on-debian12.sh demo   ./scripts/demo.sh (about 4 min here)
#   on-debian12.sh test   ./scripts/test.sh (about 17 min here)
# It makes a stock Debian 12 root anew (scripts/debian12-root.sh: debootstrap's minbase, less than a
# standard install, with no Java, Maven or Node.js), clones this repository's committed HEAD into it
# and runs the command there. Everything the command needs is installed by its own setup from Debian
# 12's archive, Maven Central and npm; its only Node.js is Debian's 18.x, which this script checks
# after the run. The root's processes live in PID and mount namespaces of their own and end with it.
#
# The root's PostgreSQL takes port 5432 as on any fresh machine, so this machine's own clusters are
# stopped for the run and started again afterwards. Run as root. The root stays in
# /var/lib/vnet-test/debian12-<command> for a look afterwards (debian12-root.sh remove ROOT removes it).
set -euo pipefail
PROGRESS_NAME=on-debian12
. "$(dirname "$0")/lib/progress.sh"
case ${1:-} in
  demo | test) what=$1 ;;
  *) echo "usage: on-debian12.sh demo|test" >&2; exit 2 ;;
esac
ROOT=/var/lib/vnet-test/debian12-$what
roots=$VNET_REPO/scripts/debian12-root.sh

"$roots" remove "$ROOT"
"$roots" make "$ROOT"
say "cloning $(git -C "$VNET_REPO" rev-parse --short HEAD) (the committed tree) into the root's /root/vnet"
git clone -q --no-hardlinks "$VNET_REPO" "$ROOT/root/vnet"

stopped=()
restart() {
  local c
  for c in "${stopped[@]}"; do
    say "starting this machine's PostgreSQL cluster $c again"
    pg_ctlcluster ${c/\// } start || true
  done
}
trap restart EXIT
if command -v pg_lsclusters >/dev/null; then
  while read -r ver name _ status _; do
    if [ "$status" = online ]; then
      say "stopping this machine's PostgreSQL cluster $ver/$name for the run (the root's takes its port)"
      pg_ctlcluster "$ver" "$name" stop
      stopped+=("$ver/$name")
    fi
  done < <(pg_lsclusters -h)
fi

say "running ./scripts/$what.sh in the root (its lines follow, stamped from the root's own start)"
rc=0
"$roots" run "$ROOT" /bin/bash -c "cd /root/vnet && ./scripts/$what.sh" || rc=$?
if [ "$rc" != 0 ]; then
  echo "on-debian12: ./scripts/$what.sh failed (status $rc) on a fresh Debian 12 root" >&2
  exit "$rc"
fi

read -r pkg node _ <<<"$("$roots" node "$ROOT")"
say "./scripts/$what.sh passed on a fresh Debian 12 root whose only Node.js is $node from Debian's package nodejs $pkg"
