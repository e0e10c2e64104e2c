#!/usr/bin/env bash
# Makes and revokes the certificates for mutual TLS between VNET daemons, with openssl:
#   scripts/vnet-certs.sh DIR host NAME [NAME ...]               host agents (subject CN=NAME, OU=host)
#   scripts/vnet-certs.sh DIR proxy --tenant TENANT NAME [...]   a tenant's proxies (CN=NAME, OU=proxy, O=TENANT)
#   scripts/vnet-certs.sh DIR manager [NAME]                     the manager (CN=NAME, default manager; OU=manager)
#   scripts/vnet-certs.sh DIR revoke NAME [NAME ...]             puts DIR/NAME.pem on the deny list DIR/revoked.txt
#   scripts/vnet-certs.sh DIR sign host|proxy [--tenant T] NAME PUBKEY
#                                                                a certificate for a key made elsewhere (the
#                                                                manager's enrolment: PUBKEY a PEM public key),
#                                                                printed on stdout; the CA must exist
#   scripts/vnet-certs.sh DIR NAME [NAME ...]                    as "host" (the usage before roles)
# The first use creates DIR/ca.pem and DIR/ca.key (a CA, made once and reused) and an empty deny
# list DIR/revoked.txt; each certificate is DIR/NAME.pem (signed by the CA) with DIR/NAME.key
# (PKCS#8). Making a NAME again issues a new certificate (the old one stays valid until revoked).
# An agent's configuration then says:
#   "tls": {"ca": "DIR/ca.pem", "cert": "DIR/NAME.pem", "key": "DIR/NAME.key", "revoked": "DIR/revoked.txt"}
# and the manager's the same with its own certificate. A proxy's tenant is the account whose
# networks it may carry (the manager's "tenants" section, or CloudStack's accounts). Daemons
# re-read revoked.txt every second and close the sessions of certificates listed there: copy it to
# every host after each revoke (or point tls.revoked at a shared copy). Keep ca.key off the hosts;
# copy each host only ca.pem, revoked.txt and its own two files.
set -euo pipefail
usage() {
  sed -n '3,11p' "$0" | sed 's/^# \{0,1\}/usage: /' >&2
  exit 2
}
[ $# -ge 2 ] || usage
dir=$1; shift
if [ "$1" = sign ]; then
  shift
  srole=${1:-}; shift || true
  stenant=
  if [ "${1:-}" = --tenant ]; then stenant=${2:-}; shift 2 || usage; fi
  [ $# -eq 2 ] || usage
  sname=$1 spub=$2
  case "$srole" in host) [ -z "$stenant" ] || usage ;; proxy) [ -n "$stenant" ] || usage ;; *) usage ;; esac
  [[ "$sname" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]] || { echo "$0: invalid name '$sname'" >&2; exit 2; }
  [ -z "$stenant" ] || [[ "$stenant" =~ ^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$ ]] || { echo "$0: invalid tenant" >&2; exit 2; }
  [ -f "$dir/ca.pem" ] && [ -f "$dir/ca.key" ] || { echo "$0: no CA in $dir (ca.pem, ca.key)" >&2; exit 2; }
  stmp=$(mktemp -d)
  trap 'rm -rf "$stmp"' EXIT
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$sname" > "$stmp/ext"
  if [ "$srole" = proxy ]; then subj="/O=$stenant/OU=proxy/CN=$sname"; else subj="/OU=host/CN=$sname"; fi
  openssl x509 -new -force_pubkey "$spub" -subj "$subj" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -days 825 \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$stmp/ext" -out "$stmp/cert.pem" 2>"$stmp/err" \
    || { cat "$stmp/err" >&2; exit 1; }
  cat "$stmp/cert.pem"
  exit 0
fi
role=host
tenant=
case "$1" in
  host) role=host; shift ;;
  proxy) role=proxy; shift ;;
  manager) role=manager; shift; [ $# -gt 0 ] || set -- manager ;;
  revoke) role=revoke; shift ;;
esac
if [ "$role" = proxy ]; then
  if [ "${1:-}" != --tenant ] || [ $# -lt 3 ]; then
    echo "$0: a proxy's certificate names its tenant: $0 DIR proxy --tenant TENANT NAME..." >&2
    exit 2
  fi
  tenant=$2; shift 2
  if ! [[ "$tenant" =~ ^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$ ]]; then
    echo "$0: invalid tenant '$tenant': 1-64 letters, digits, '.', '_', '@' or '-'" >&2
    exit 2
  fi
fi
[ $# -ge 1 ] || usage
for name in "$@"; do
  if ! [[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]]; then
    echo "$0: invalid name '$name': 1-63 letters, digits, '.', '_' or '-'" >&2
    exit 2
  fi
done

if [ "$role" = revoke ]; then
  for name in "$@"; do
    if [ ! -f "$dir/$name.pem" ]; then
      echo "$0: no certificate $dir/$name.pem to revoke" >&2
      exit 2
    fi
  done
  for name in "$@"; do
    fp=$(openssl x509 -in "$dir/$name.pem" -noout -fingerprint -sha256 | sed 's/^.*=//')
    serial=$(openssl x509 -in "$dir/$name.pem" -noout -serial | sed 's/^.*=//')
    subject=$(openssl x509 -in "$dir/$name.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
    if grep -qi "^$fp" "$dir/revoked.txt" 2>/dev/null; then
      echo "$dir/$name.pem was revoked already ($fp)"
      continue
    fi
    # one line per certificate: its SHA-256 fingerprint, then what it was (a comment)
    printf '%s %s serial=%s revoked=%s\n' "$fp" "$subject" "$serial" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
      >> "$dir/revoked.txt"
    echo "revoked $dir/$name.pem ($subject, SHA-256 $fp) in $dir/revoked.txt"
  done
  exit 0
fi

mkdir -p "$dir"
umask 077
if [ ! -f "$dir/ca.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=vnet-ca-$(basename "$dir")" -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  echo "$dir/ca.pem, $dir/ca.key (the CA; keep ca.key off the hosts)"
fi
if [ ! -f "$dir/revoked.txt" ]; then
  (umask 022; printf '# revoked certificates: SHA-256 fingerprint, then a comment (scripts/vnet-certs.sh DIR revoke NAME)\n' \
    > "$dir/revoked.txt")
  echo "$dir/revoked.txt (the deny list, empty)"
fi
subject_of() {
  case "$role" in
    proxy) printf '/O=%s/OU=proxy/CN=%s' "$tenant" "$1" ;;
    *) printf '/OU=%s/CN=%s' "$role" "$1" ;;
  esac
}
for name in "$@"; do
  tmp=$(mktemp -d)
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "$(subject_of "$name")" \
    -keyout "$tmp/key" -out "$tmp/csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$name" > "$tmp/ext"
  openssl x509 -req -in "$tmp/csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 825 \
    -extfile "$tmp/ext" -out "$dir/$name.pem" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$tmp/key" -out "$dir/$name.key"
  rm -rf "$tmp"
  echo "$dir/$name.pem, $dir/$name.key ($(openssl x509 -in "$dir/$name.pem" -noout -subject -nameopt RFC2253 \
    | sed 's/^subject=//'))"
done
