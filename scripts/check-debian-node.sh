#!/usr/bin/env bash
# Proves that the management page builds and passes its Vitest tests with Debian 12's own Node.js
# (18.x) and npm, whatever Node.js this machine carries: in a stock Debian 12 root (debian12-root.sh,
# kept in /var/lib/vnet-test/debian12-node and reused) with Debian's nodejs and npm packages, it runs
# npm ci, vite build and vitest on a copy of ui-extension's tracked files. Fails if the root's Node.js
# is not Debian's 18.x, if a step fails, or if no test ran. Run as root; about a minute the first
# time, 30 s after. scripts/test.sh runs it as a stage of its own.
set -euo pipefail
PROGRESS_NAME=debian-node
. "$(dirname "$0")/lib/progress.sh"
ROOT=${VNET_DEBIAN_NODE_ROOT:-/var/lib/vnet-test/debian12-node}

"$VNET_REPO/scripts/debian12-root.sh" make "$ROOT" nodejs npm

read -r pkg node npm <<<"$("$VNET_REPO/scripts/debian12-root.sh" node "$ROOT")"
say "the root's Node.js: Debian 12's nodejs $pkg (node $node), npm $npm"

# the page's tracked files, fresh
work=$ROOT/work/ui-extension
rm -rf "$ROOT/work"
mkdir -p "$work"
if git -C "$VNET_REPO" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$VNET_REPO" && git ls-files -z ui-extension | tar --null -T - -cf -) | tar -xf - -C "$ROOT/work"
else
  tar -C "$VNET_REPO" --exclude=node_modules --exclude=dist --exclude=target -cf - ui-extension | tar -xf - -C "$ROOT/work"
fi

root_npm() { "$VNET_REPO/scripts/debian12-root.sh" run "$ROOT" /bin/sh -c 'cd /work/ui-extension && exec "$@"' sh "$@"; }
logged npm debian-node "installing the page's packages with npm ci" root_npm npm ci --no-audit --no-fund
logged npm debian-node "building the page (vite build)" root_npm npm run build
logged npm debian-node "running the page's tests (vitest)" root_npm npm test

[ -s "$work/dist/index.html" ] || { echo "debian-node: the build made no dist/index.html" >&2; exit 1; }
report=$work/target/surefire-reports/TEST-vitest.xml
[ -s "$report" ] || { echo "debian-node: Vitest wrote no report ($report)" >&2; exit 1; }
read -r tests failures errors _ <<<"$(junit_counts "$report")"
if [ "$tests" -eq 0 ] || [ "$failures" -ne 0 ] || [ "$errors" -ne 0 ]; then
  echo "debian-node: Vitest ran $tests tests, $failures failed, $errors errors" >&2
  exit 1
fi
say "the page built and its $tests Vitest tests passed with Debian 12's nodejs $pkg (node $node, npm $npm)"
