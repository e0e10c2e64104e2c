#!/usr/bin/env bash
# Installs Debian's PostgreSQL, starts its cluster, creates the role and database vnet/vnet for
# the persistence tests and writes their JDBC URL to /var/lib/vnet-test/postgres.url
# (scripts/test.sh passes it to Maven as -DVNET_TEST_PG_URL). Run as root; safe to re-run.
set -euo pipefail
PROGRESS_NAME=postgres
. "$(dirname "$0")/lib/progress.sh"
if [ "$(id -u)" != 0 ]; then
  echo "postgres.sh: run as root (it installs and starts PostgreSQL)" >&2
  exit 1
fi
if ! command -v pg_lsclusters >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  apt_install postgresql
fi
ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
say "starting PostgreSQL $ver's cluster main"
# The package creates the cluster "main"; make it if a previous removal left none.
pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$ver main" || pg_createcluster "$ver" main >/dev/null
pg_ctlcluster "$ver" main start >/dev/null 2>&1 || true
port=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p "$port" >/dev/null || { echo "postgres.sh: PostgreSQL $ver did not start on port $port" >&2; exit 1; }
psql_() ( cd / && su postgres -c "psql -q -v ON_ERROR_STOP=1 -p $port -tAc \"$1\"" )
[ "$(psql_ "SELECT 1 FROM pg_roles WHERE rolname='vnet'")" = 1 ] || psql_ "CREATE ROLE vnet LOGIN PASSWORD 'vnet'"
[ "$(psql_ "SELECT 1 FROM pg_database WHERE datname='vnet'")" = 1 ] || psql_ "CREATE DATABASE vnet OWNER vnet"
url="jdbc:postgresql://127.0.0.1:$port/vnet?user=vnet&password=vnet"
mkdir -p /var/lib/vnet-test
echo "$url" > /var/lib/vnet-test/postgres.url
say "PostgreSQL $ver running on 127.0.0.1:$port, database vnet; URL in /var/lib/vnet-test/postgres.url"
