#!/usr/bin/env bash
# The packages as an admin meets them (issue 20): vnet-manager and vnet-agent, as Maven built them, are
# installed into a fresh Debian 12 system booted with systemd (systemd-nspawn --boot, its own network
# namespace: loopback only), started by their units, checked healthy, upgraded to a newer build, and
# checked again: nothing lost. Run as root after the build (mvn install); about two minutes.
#
# The system: a Debian 12 root made once with debootstrap (scripts/debian12-root.sh, kept in
# /var/lib/vnet-test/debian12-pkg) holding systemd and the packages' dependencies from Debian's
# archive, and for each run a fresh overlay on it, so every run starts from the same stock system.
# Steps, each checked (the run stops at the first failure and says which):
#   1. apt-get install ./vnet-manager_*.deb ./vnet-agent_*.deb in the booted system: the manager's
#      postinst makes the user, CA, certificates, configuration, admin password and scrape token and
#      starts vnet-manager.service (the unit is "active" only once /healthz answers: its ExecStartPost);
#      /healthz, /readyz and /metrics (with the token) answer; the units' hardening is in force.
#   2. a host enrolled with a one-time token (vnetctl manager enrol; /etc/vnet/agent.json names the
#      manager and the token file, no certificate), vnet-agent --check, systemctl start vnet-agent:
#      enrolled (its key 0600 in /var/lib/vnet/pki), active, its /readyz ready (connected), the manager
#      lists it over mutual TLS with its versions; the journal has priorities, not doubled time stamps;
#      systemctl reload adds a link from the file.
#   3. an admin change through vnetctl (a network's adaptation mode), then agent.json rewritten as an
#      older version wrote it (a link without "vnis").
#   4. the upgrade: both packages rebuilt as a newer version (the same build repacked with a higher
#      version: an upgrade's mechanics, maintainer scripts, conffiles, units, data, do not depend on the
#      code inside) and installed: postinst rewrites agent.json and says what it chose (the original kept
#      as agent.json.dpkg-old), both services run again, the admin password, certificates, configuration
#      and the database's change are still there.
#   5. a downgrade is refused, with the reason.
#   6. the manager's database backup and restore (H2): stop, copy, change, restore, start: the backed-up
#      state is back.
# Prints the packages' sizes and what each installs.
set -euo pipefail
cd "$(dirname "$0")/.."
PROGRESS_NAME=packages
. scripts/lib/progress.sh
[ "$(id -u)" = 0 ] || { echo "check-packages.sh: run as root (debootstrap, overlay mounts, systemd-nspawn)" >&2; exit 1; }
BASE=${VNET_PACKAGES_ROOT:-/var/lib/vnet-test/debian12-pkg}
DEPS="systemd systemd-sysv dbus openjdk-17-jre-headless iproute2 nftables curl openssl libpcap0.8 adduser bash-completion"

newest() { ls -t "$1"/$2 2>/dev/null | head -1; }
manager_deb=$(newest plugin/manager-runtime/target 'vnet-manager_*_all.deb')
agent_deb=$(newest host-agent/target 'vnet-agent_*_amd64.deb')
[ -n "$manager_deb" ] && [ -n "$agent_deb" ] || { echo "check-packages.sh: build the packages first (mvn install)" >&2; exit 1; }
command -v systemd-nspawn >/dev/null || apt_install systemd-container
command -v nsenter >/dev/null || apt_install util-linux

for deb in "$manager_deb" "$agent_deb"; do
  say "$(basename "$deb"): $(du -h "$deb" | cut -f1) ($(stat -c %s "$deb") bytes), installs $(dpkg-deb -c "$deb" | grep -vc '/$') files: $(dpkg-deb -c "$deb" \
    | awk '{print $6}' | grep -v '/$' | sed 's|^\./||' | awk -F/ '{ if ($1 == "usr" && $2 == "lib") print "/usr/lib/" $3 "/" $4; else if ($1 == "usr" && $2 == "share") print "/usr/share/" $3; else if ($1 == "lib") print "/lib/systemd/system"; else print "/" $0 }' \
    | sort | uniq -c | awk '{printf "%s%s (%d)", sep, $2, $1; sep=", "}')"
done

VNET_REPO=$PWD ./scripts/debian12-root.sh make "$BASE" $DEPS

work=$(mktemp -d /var/tmp/vnet-packages.XXXXXX)
root=$work/root
nspawn_pid=
cleanup() {
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    kill -TERM "$nspawn_pid" 2>/dev/null || true # nspawn asks the container's systemd to power off
    for _ in $(seq 1 60); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$nspawn_pid" 2>/dev/null || true
  fi
  umount "$root" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
mkdir -p "$work/upper" "$work/ovl" "$root"
mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$work/upper,workdir=$work/ovl" "$root"
mkdir -p "$root/root/debs"
cp "$manager_deb" "$agent_deb" "$root/root/debs/"

say "booting the Debian 12 system with systemd (systemd-nspawn --boot)"
machine=vnetpkg$$
systemd-nspawn -q -D "$root" --register=no --keep-unit --boot --private-network -M "$machine" \
  >"$VNET_LOGS/packages-console.log" 2>&1 </dev/null &
nspawn_pid=$!
leader=
for _ in $(seq 1 100); do
  for c in $(pgrep -P "$nspawn_pid" 2>/dev/null); do
    [ "$(cat /proc/"$c"/comm 2>/dev/null)" = systemd ] && leader=$c
  done
  [ -n "$leader" ] && break
  sleep 0.2
done
[ -n "$leader" ] || { echo "check-packages.sh: the container's systemd did not start (see $VNET_LOGS/packages-console.log)" >&2; exit 1; }
# a command in the booted system, as its root: every namespace of its init, its environment
in_box() { nsenter -t "$leader" -m -u -i -n -p -- /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive "$@"; }
state=$(in_box systemctl is-system-running --wait 2>/dev/null || true)
say "the system is up: $state (systemd $(in_box systemctl --version | head -1 | awk '{print $2}'))"
case $state in running|degraded) ;; *) echo "check-packages.sh: the system did not boot: $state" >&2; exit 1 ;; esac

fail() { echo "check-packages.sh: $*" >&2; in_box journalctl --no-pager -n 60 -u vnet-manager -u vnet-agent >&2 || true; exit 1; }
check() { local what=$1; shift; "$@" || fail "$what"; say "ok: $what"; }
http() { in_box curl -s -o /dev/null -w '%{http_code}' -m 5 "$@"; }

# 1. install, the manager started by its postinst
say "1. installing both packages with apt-get"
logged apt apt "installing vnet-manager and vnet-agent" in_box apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 \
  "/root/debs/$(basename "$manager_deb")" "/root/debs/$(basename "$agent_deb")"
grep -o 'vnet-manager: made [^(]*' "$VNET_LOGS/apt.log" | tail -4 | while read -r l; do say "postinst said: $l"; done
check "vnet-manager.service is active (started by postinst, ready once its API answers)" in_box systemctl is-active --quiet vnet-manager
runs_as_vnet() {
  local pid
  pid=$(in_box systemctl show -p MainPID --value vnet-manager)
  in_box sh -c "[ \"\$(awk '/^Uid:/ {print \$2}' /proc/$pid/status)\" = \"\$(id -u vnet)\" ] && grep -q '^CapEff:.0000000000000000' /proc/$pid/status"
}
check "the manager runs as user vnet with no capabilities" runs_as_vnet
check "the manager's /healthz answers 200" test "$(http http://127.0.0.1:8470/healthz)" = 200
manager_ready() {
  for _ in $(seq 1 40); do [ "$(http http://127.0.0.1:8470/readyz)" = 200 ] && return 0; sleep 0.5; done
  in_box curl -s -m 5 http://127.0.0.1:8470/readyz >&2
  return 1
}
check "the manager's /readyz answers 200" manager_ready
token=$(in_box cat /etc/vnet/metrics-token)
check "the manager's /metrics answers 200 with the scrape token" \
  test "$(http -H "Authorization: Bearer $token" http://127.0.0.1:8470/metrics)" = 200
check "and 401 without it" test "$(http http://127.0.0.1:8470/metrics)" = 401
check "the secrets and the CA's key are readable by the manager's group only" in_box sh -c \
  '[ "$(stat -c %a /etc/vnet/admin-password)" = 640 ] && [ "$(stat -c %a /etc/vnet/pki/ca.key)" = 640 ] && [ "$(stat -c %G /etc/vnet/admin-password)" = vnet ] && [ "$(stat -c %G /etc/vnet/pki/ca.key)" = vnet ]'
check "vnetctl and its completions are installed (alternatives)" in_box sh -c \
  'test -x /usr/bin/vnetctl && test -s /usr/share/bash-completion/completions/vnetctl && test -s /usr/share/zsh/vendor-completions/_vnetctl'

# 2. a host: enrolled with a one-time token (its configuration: the manager's address and the token), its unit
say "2. the agent: a one-time token (vnetctl manager enrol), /etc/vnet/agent.json, vnet-agent.service"
pw=$(in_box cat /etc/vnet/admin-password)
in_box sh -c "printf '%s\n' '$pw' | vnetctl manager login --url http://127.0.0.1:8470 >/dev/null"
in_box sh -c 'vnetctl manager enrol node1 >/etc/vnet/enrolment-token 2>/dev/null && chmod 0600 /etc/vnet/enrolment-token'
check "vnetctl manager enrol printed a token" in_box sh -c '[ "$(head -c 6 /etc/vnet/enrolment-token)" = vnet1. ]'
in_box sh -c 'cat >/etc/vnet/agent.json' <<'JSON'
{
  "hostId": "node1",
  "listen": "127.0.0.1:5800",
  "control": "/run/vnet/vnet-agent.sock",
  "manager": "127.0.0.1:5900",
  "stateFile": "/var/lib/vnet/agent-state.json",
  "enrolment": { "tokenFile": "/etc/vnet/enrolment-token", "dir": "/var/lib/vnet/pki" },
  "networks": [ { "vni": 100, "tap": "vnet100", "bridge": "br100", "mtu": 1500 } ],
  "links": [ { "id": "to-node2", "peer": "node2", "connect": "127.0.0.2:5800", "flood": true, "vnis": [100] } ]
}
JSON
check "vnet-agent --check /etc/vnet/agent.json" in_box vnet-agent --check /etc/vnet/agent.json
check "systemctl start vnet-agent (ready: its control socket)" in_box systemctl start vnet-agent
check "vnet-agent.service is active" in_box systemctl is-active --quiet vnet-agent
ready=
for _ in $(seq 1 40); do [ "$(http http://127.0.0.1:9477/readyz)" = 200 ] && ready=1 && break; sleep 0.5; done
check "the agent's /readyz is 200 (its TAP up, connected to the manager)" test -n "$ready"
check "node1 enrolled: its key (0600) and certificate in /var/lib/vnet/pki" in_box sh -c \
  '[ "$(stat -c %a /var/lib/vnet/pki/node1.key)" = 600 ] && openssl verify -CAfile /etc/vnet/pki/ca.pem /var/lib/vnet/pki/node1.pem >/dev/null'
agents=$(in_box vnetctl manager agents)
printf '%s\n' "$agents" | sed 's/^/    /'
listed() { printf '%s\n' "$agents" | grep -Eq '^node1 +host +yes +[0-9]+\.[0-9]+\.[0-9]+[^ ]* +1 .*mutual TLS'; }
check "the manager lists node1, connected over mutual TLS, with its software and protocol" listed
journal_ok() { # "ready" at priority info exactly (journald read the <6> prefix), no prefix or time stamp left in a line
  in_box journalctl -u vnet-agent -p 6..6 -o cat --no-pager | grep -q '^AgentComponent: agent node1 (role host) ready' || return 1
  ! in_box journalctl -u vnet-agent -o cat --no-pager | grep -Eq '^<[0-7]>|^[0-9]{4}-[0-9]{2}-[0-9]{2}T'
}
check "the journal has the agent's lines at their priorities (info: ready), without a second time stamp" journal_ok

in_box sed -i 's|"links": \[ |"links": [ { "id": "to-node3", "peer": "node3", "connect": "127.0.0.3:5800", "vnis": [100] }, |' /etc/vnet/agent.json
check "systemctl reload vnet-agent (SIGHUP)" in_box systemctl reload vnet-agent
reloaded() {
  for _ in $(seq 1 20); do
    in_box vnetctl link list 2>/dev/null | grep -q '^to-node3 ' && in_box journalctl -u vnet-agent -o cat --no-pager \
      | grep -q 'SIGHUP: link to-node3: added' && in_box systemctl is-active --quiet vnet-agent && return 0
    sleep 0.5
  done
  return 1
}
check "the reload added the file's new link without a restart (vnetctl link list, the journal)" reloaded

# 3. what an upgrade must keep, and a configuration in an older version's form
say "3. an admin's change, and agent.json as an older version wrote it"
check "vnetctl manager adaptation mode 100 recommend" in_box vnetctl manager adaptation mode 100 recommend
before_pw=$(in_box sha256sum /etc/vnet/admin-password /etc/vnet/pki/ca.pem /etc/vnet/pki/manager.pem /etc/vnet/manager.json)
in_box systemctl stop vnet-agent
in_box sed -i 's/, "flood": true, "vnis": \[100\] }/, "flood": true }/' /etc/vnet/agent.json
check "this version refuses the older file (a link without vnis)" sh -c "! nsenter -t $leader -m -p -- vnet-agent --check /etc/vnet/agent.json >/dev/null 2>&1"

# 4. the upgrade
newer() { # DEB -> the same package with version V+1 (V~T becomes V~T+1 by its last digits), in /root/debs/new
  local deb=$1 dir=$work/repack/$(basename "$1" .deb) v nv
  rm -rf "$dir"; mkdir -p "$dir"
  dpkg-deb -R "$deb" "$dir"
  v=$(sed -n 's/^Version: //p' "$dir/DEBIAN/control")
  nv="${v}.1"
  sed -i "s/^Version: .*/Version: $nv/" "$dir/DEBIAN/control"
  sed -i "s/\"$v\"/\"$nv\"/g" "$dir/DEBIAN/preinst"
  mkdir -p "$root/root/debs/new"
  dpkg-deb -Zgzip -z1 -b "$dir" "$root/root/debs/new/$(basename "$deb" | sed "s/_${v}_/_${nv}_/")" >/dev/null
  echo "$nv"
}
v_old=$(dpkg-deb -f "$manager_deb" Version)
v_new=$(newer "$manager_deb")
va_new=$(newer "$agent_deb")
say "4. upgrading from $v_old to $v_new"
logged apt apt "upgrading both packages" in_box sh -c 'apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 /root/debs/new/*.deb'
said=$(grep -o '/etc/vnet/agent.json: link to-node2 named no networks[^;]*; it now carries \[100\][^"]*' "$VNET_LOGS/apt.log" | tail -1 || true)
check "postinst rewrote agent.json and said what it chose" test -n "$said"
say "postinst said: $said"
check "the original is kept as agent.json.dpkg-old" in_box test -s /etc/vnet/agent.json.dpkg-old
at_new() {
  [ "$(in_box dpkg-query -W -f '${Version}' vnet-manager)" = "$v_new" ] && [ "$(in_box dpkg-query -W -f '${Version}' vnet-agent)" = "$va_new" ]
}
check "the packages are at their new versions ($v_new, $va_new)" at_new
check "vnet-manager.service runs again after the upgrade" in_box systemctl is-active --quiet vnet-manager
check "systemctl start vnet-agent with the rewritten file" in_box systemctl start vnet-agent
check "vnet-agent.service is active" in_box systemctl is-active --quiet vnet-agent
check "the admin password, the CA, the manager's certificate and configuration are unchanged" \
  test "$(in_box sha256sum /etc/vnet/admin-password /etc/vnet/pki/ca.pem /etc/vnet/pki/manager.pem /etc/vnet/manager.json)" = "$before_pw"
# sign-ins are kept in the manager's database (schema 8, issue 21): the upgrade's restart signs nobody out
kept() { in_box vnetctl manager agents >/dev/null; }
check "the admin's session outlived the upgrade's restart (no new login)" kept
relogin() { in_box sh -c "printf '%s\n' '$pw' | vnetctl manager login --url http://127.0.0.1:8470 >/dev/null"; }
registered=
for _ in $(seq 1 40); do in_box vnetctl manager agents 2>/dev/null | grep -Eq '^node1 +host +yes' && registered=1 && break; sleep 0.5; done
check "node1 registered again with the upgraded manager" test -n "$registered"
check "the database kept the admin's change (network 100 in recommend mode)" sh -c \
  "nsenter -t $leader -m -p -n -- vnetctl manager adaptation show 100 | grep -Eq '^100 +recommend '"
check "the audit log kept it" sh -c "nsenter -t $leader -m -p -n -- vnetctl manager audit | grep -q 'local:admin'"

# 5. a downgrade
say "5. a downgrade to $v_old"
if in_box apt-get install -y --allow-downgrades --no-install-recommends -o Dpkg::Use-Pty=0 "/root/debs/$(basename "$manager_deb")" \
    >"$VNET_LOGS/packages-downgrade.log" 2>&1; then
  fail "the downgrade of vnet-manager was accepted"
fi
check "the downgrade is refused, saying why" grep -q "vnet-manager: refusing to downgrade from $v_new to $v_old" "$VNET_LOGS/packages-downgrade.log"
check "and the manager still runs" in_box systemctl is-active --quiet vnet-manager

# 6. the database's backup and restore (H2)
say "6. the manager's database: backup, a change, restore"
in_box systemctl stop vnet-manager
in_box sh -c 'mkdir -p /root/backup && cp -a /var/lib/vnet/manager/. /root/backup/'
in_box systemctl start vnet-manager
relogin
in_box vnetctl manager adaptation mode 100 off >/dev/null
check "the change after the backup is in force" sh -c "nsenter -t $leader -m -p -n -- vnetctl manager adaptation show 100 | grep -Eq '^100 +off '"
in_box systemctl stop vnet-manager
in_box sh -c 'rm -rf /var/lib/vnet/manager/* && cp -a /root/backup/. /var/lib/vnet/manager/'
in_box systemctl start vnet-manager
relogin
check "after the restore the backed-up state is back (network 100 in recommend mode)" sh -c \
  "nsenter -t $leader -m -p -n -- vnetctl manager adaptation show 100 | grep -Eq '^100 +recommend '"

say "the packages install, start under systemd, upgrade without losing anything, refuse a downgrade, and the manager's database restores from a backup"
