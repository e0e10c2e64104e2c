#!/usr/bin/env bash
# A stock Debian 12 system inside this machine, for proving that VNET needs nothing but Debian 12's
# own packages (plus Maven Central and npm): a root made with debootstrap from the Debian archive
# this machine's apt uses, and a way to run commands in it as on a fresh machine. Run as root.
#
#   debian12-root.sh make ROOT [PACKAGE...]  makes ROOT (debootstrap, variant minbase: less than a
#                                            standard install) unless it is already made, then
#                                            installs the packages with apt-get inside it
#   debian12-root.sh run ROOT CMD [ARG...]   runs CMD inside ROOT, in mount and PID namespaces of its
#                                            own (fresh /proc, /sys, /dev, /run and /tmp): every
#                                            process it starts ends with it; the network is this
#                                            machine's
#   debian12-root.sh node ROOT               checks that ROOT's only Node.js is Debian 12's 18.x and
#                                            prints "PACKAGE-VERSION NODE-VERSION NPM-VERSION"
#   debian12-root.sh remove ROOT             removes ROOT
#
# What the root takes from this machine: /etc/resolv.conf, the addresses of apt's Debian 12 archive,
# and the certificate authorities this machine trusts that Debian's ca-certificates lacks (on a stock
# machine none; where the registries are reached through an intercepting proxy, its authority). It
# gets the /etc/hosts a Debian installer writes. Nothing of this machine's Node.js, Java or Maven
# reaches it. Where this machine's environment names extra authorities for Node.js (NODE_EXTRA_CA_CERTS),
# commands in the root get the root's own bundle there, which holds them.
set -euo pipefail
PROGRESS_NAME=debian12-root
. "$(dirname "$0")/lib/progress.sh"

usage() { sed -n '5,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "debian12-root.sh: run as root (debootstrap, chroot, mounts)" >&2; exit 1; }
[ $# -ge 2 ] || usage
cmd=$1 root=$2
shift 2
case $root in /*) ;; *) echo "debian12-root.sh: ROOT must be an absolute path: $root" >&2; exit 2 ;; esac

# The URI apt uses for a Debian suite, read from apt's policy (e.g. "bookworm", "bookworm-security").
archive_uri() {
  apt-cache policy | awk -v s="$1/main" '$3 == s && $4 == "amd64" && $5 == "Packages" { print $2; exit }'
}

# One line per certificate (its base64 text) of a PEM bundle.
cert_lines() {
  awk '/-----BEGIN CERTIFICATE-----/ { c = ""; in_ = 1; next }
       /-----END CERTIFICATE-----/ { if (in_) print c; in_ = 0; next }
       in_ { gsub(/[ \t\r]/, ""); c = c $0 }' "$1" | sort -u
}

# Files taken from this machine (again on every use: a root may outlive a move to another network).
refresh_host_files() {
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n' \
    >"$root/etc/hosts"
  echo debian12 >"$root/etc/hostname"
}

make_root() {
  local main security updates
  main=$(archive_uri bookworm)
  security=$(archive_uri bookworm-security)
  updates=$(archive_uri bookworm-updates)
  [ -n "$main" ] || { echo "debian12-root.sh: apt here has no Debian 12 (bookworm) archive: run apt-get update" >&2; exit 1; }
  if [ ! -f "$root/.vnet-debian12-root" ]; then
    command -v debootstrap >/dev/null || apt_install debootstrap
    rm -rf "$root"
    mkdir -p "$root"
    say "making a Debian 12 root in $root (debootstrap, minbase) from $main"
    logged debootstrap debootstrap "making the Debian 12 root" debootstrap --variant=minbase bookworm "$root" "$main"
    {
      echo "Types: deb"; echo "URIs: $main"; echo "Suites: bookworm${updates:+ bookworm-updates}"
      echo "Components: main"; echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
      if [ -n "$security" ]; then
        echo; echo "Types: deb"; echo "URIs: $security"; echo "Suites: bookworm-security"
        echo "Components: main"; echo "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
      fi
    } >"$root/etc/apt/sources.list.d/debian.sources"
    rm -f "$root/etc/apt/sources.list"
    # this machine's apt settings for its archive (e.g. a snapshot's validity), not its sources
    for f in /etc/apt/apt.conf.d/*; do
      [ -f "$f" ] && grep -q '^Acquire::' "$f" && grep '^Acquire::' "$f" >"$root/etc/apt/apt.conf.d/$(basename "$f")"
    done
    logged apt apt "updating the root's package lists" run_in_root apt-get update
    logged apt apt "installing ca-certificates in the root" run_in_root apt-get install -y --no-install-recommends \
      -o Dpkg::Use-Pty=0 ca-certificates
    local extra n=0
    # the machine's own authorities: in its bundle but not from its ca-certificates package
    extra=$(comm -23 <(cert_lines /etc/ssl/certs/ca-certificates.crt) \
      <(find /usr/share/ca-certificates -name '*.crt' -exec cat {} + 2>/dev/null | cert_lines /dev/stdin))
    for c in $extra; do
      n=$((n + 1))
      { echo "-----BEGIN CERTIFICATE-----"; fold -w 64 <<<"$c"; echo "-----END CERTIFICATE-----"; } \
        >"$root/usr/local/share/ca-certificates/vnet-host-$n.crt"
    done
    if ((n > 0)); then
      say "the root trusts $n certificate authorities of this machine's own (not from Debian's ca-certificates)"
      logged plain apt "adding them" run_in_root update-ca-certificates >/dev/null
    fi
    date -u '+%F %T' >"$root/.vnet-debian12-root"
  else
    say "using the Debian 12 root in $root (made $(cat "$root/.vnet-debian12-root") UTC)"
    logged apt apt "updating the root's package lists" run_in_root apt-get update
  fi
  if [ $# -gt 0 ]; then
    say "installing in the root: $*"
    logged apt apt "installing $* in the root" run_in_root apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 "$@"
  fi
}

# Debian 12's nodejs package, node 18.x, and no other node binary where one would be installed.
check_node() {
  local pkg node npm others
  pkg=$(chroot "$root" dpkg-query -W -f '${Version}' nodejs 2>/dev/null) || pkg="(not installed)"
  node=$(chroot "$root" /usr/bin/node --version 2>/dev/null) || node="(none)"
  npm=$(chroot "$root" /usr/bin/npm --version 2>/dev/null) || npm="(none)"
  case "$node $pkg" in v18.*deb12*) ;; *)
    echo "debian12-root.sh: $root's Node.js is $node from nodejs $pkg, not Debian 12's 18.x" >&2; exit 1 ;; esac
  others=$(find "$root/usr/local" "$root/opt" "$root/root" "$root/usr/bin" -xdev -path '*/bin/node*' -type f 2>/dev/null \
    | grep -v "^$root/usr/bin/node$" || true)
  [ -z "$others" ] || { echo "debian12-root.sh: other node binaries in $root: $others" >&2; exit 1; }
  echo "$pkg $node $npm"
}

run_in_root() {
  refresh_host_files
  # In new mount and PID namespaces: the mounts vanish and every process ends when CMD does.
  unshare --mount --pid --fork --propagation private /bin/bash -c '
    set -e
    root=$1; shift
    mount --bind "$root" "$root" # "/" a mount point, as ip netns exec needs
    mount -t proc proc "$root/proc"
    mount -t sysfs sysfs "$root/sys"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=0755 tmpfs "$root/run"
    mkdir -p "$root/run/lock"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
    if [ -d /sys/fs/cgroup ] && [ -d "$root/sys/fs/cgroup" ]; then mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup" || true; fi
    exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive CI="${CI:-}" \
      ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt} "$@"
  ' run "$root" "$@"
}

case $cmd in
  make) make_root "$@" ;;
  run)
    [ $# -ge 1 ] || usage
    [ -f "$root/.vnet-debian12-root" ] || { echo "debian12-root.sh: no Debian 12 root in $root: make it first" >&2; exit 1; }
    run_in_root "$@"
    ;;
  node) check_node ;;
  remove) say "removing $root"; rm -rf --one-file-system "$root" ;;
  *) usage ;;
esac
