#!/usr/bin/env bash
# Makes the certificates for mutual TLS between VNET daemons, with openssl:
#   scripts/vnet-certs.sh DIR HOST [HOST ...]
# creates DIR/ca.pem and DIR/ca.key (a CA, made once and reused) and, for each host id,
# DIR/HOST.pem (certificate, subject CN=HOST, signed by the CA) and DIR/HOST.key (PKCS#8 key).
# An agent's configuration then says: "tls": {"ca": "DIR/ca.pem", "cert": "DIR/HOST.pem", "key": "DIR/HOST.key"}.
# Keep ca.key off the hosts; copy each host only ca.pem and its own two files.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 DIR HOST [HOST ...]" >&2
  exit 2
fi
dir=$1; shift
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/ca.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=vnet-ca-$(basename "$dir")" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
fi
for host in "$@"; do
  case "$host" in
    *[!A-Za-z0-9._-]*|"") echo "$0: invalid host id '$host'" >&2; exit 2 ;;
  esac
  tmp=$(mktemp -d)
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$host" \
    -keyout "$tmp/key" -out "$tmp/csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$host" > "$tmp/ext"
  openssl x509 -req -in "$tmp/csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 825 \
    -extfile "$tmp/ext" -out "$dir/$host.pem" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$tmp/key" -out "$dir/$host.key"
  rm -rf "$tmp"
  echo "$dir/$host.pem, $dir/$host.key (CN=$host)"
done
