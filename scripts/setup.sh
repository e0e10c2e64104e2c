#!/usr/bin/env bash
# Installs what VNET's build, demo and tests need on Debian 12 (run as root), all from Debian 12's own
# archive: Java 17, Maven, iproute2 (ip, bridge, tc), ping, iperf3, iptables, nftables, curl, ethtool,
# procps (sysctl), libpcap (the proxy's LAN device), dnsmasq-base and busybox (the home network's DHCP
# server and the VMs' DHCP client in ProxyDhcpIT and the demo; dnsmasq-base is only the binary, no system
# service), tinc (tincd 1.0) and wireguard-go with wireguard-tools (for the data plane benchmark), OpenMPI
# (openmpi-bin and libopenmpi-dev, for the MPI benchmark) and LAMMPS (lammps, a real MPI application), openssl (TLS certificates),
# Prometheus (the metrics test), Node.js 18 and npm
# (the management page's build), Debian's chromium (the page's browser test), fonts for the benchmark's
# plot, PostgreSQL for the manager's persistence tests (scripts/postgres.sh) and libvirt, QEMU and a tiny
# test guest (scripts/libvirt.sh). Says what it checks and installs; apt's output is summarised (whole in
# target/logs/apt.log). About 40 s here when everything must be installed, 2 s when nothing is missing.
set -euo pipefail
PROGRESS_NAME=setup
. "$(dirname "$0")/lib/progress.sh"
if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: run as root (it installs packages with apt-get)" >&2
  exit 1
fi
say "checking for Java 17, Maven, the network tools, Node.js, npm and chromium"
need=()
command -v java >/dev/null && java -version 2>&1 | grep -q '"17\|"2[0-9]' || need+=(openjdk-17-jdk-headless)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
command -v ip >/dev/null || need+=(iproute2)
command -v ping >/dev/null || need+=(iputils-ping)
command -v iperf3 >/dev/null || need+=(iperf3)
command -v iptables >/dev/null || need+=(iptables)
command -v sysctl >/dev/null || need+=(procps)
command -v nft >/dev/null || need+=(nftables)
command -v curl >/dev/null || need+=(curl)
command -v ethtool >/dev/null || need+=(ethtool)
ldconfig -p | grep 'libpcap\.so' >/dev/null || need+=(libpcap0.8)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v busybox >/dev/null || need+=(busybox)
command -v tincd >/dev/null || need+=(tinc)
# kernel VXLAN over WireGuard in user space, the benchmark's encrypted stock overlay (no WireGuard module here)
command -v wireguard-go >/dev/null || need+=(wireguard-go)
command -v wg >/dev/null || need+=(wireguard-tools)
# a real parallel application: Debian's OpenMPI and its compiler wrapper (the MPI benchmark and its test)
command -v mpirun >/dev/null || need+=(openmpi-bin)
command -v mpicc >/dev/null || need+=(libopenmpi-dev)
# a real MPI application from Debian's archive, run unchanged (MpiTopologyIT, the MPI inference benchmark)
command -v lmp >/dev/null || need+=(lammps)
command -v openssl >/dev/null || need+=(openssl)
# captures on the tenants' TAPs (TenantIsolationIT: what reaches an attacker's proxy)
command -v tcpdump >/dev/null || need+=(tcpdump)
# a VM flooding random source MACs (MacFloodIT)
command -v mausezahn >/dev/null || need+=(netsniff-ng)
# the management page: Node.js (18 or later; Debian 12's is 18.20) and npm build it (ui-extension, Vite 5);
# Debian's chromium runs its browser test (UiIT, headless, driven by playwright-core: nothing downloads a browser)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v chromium >/dev/null || need+=(chromium)
# Debian's Prometheus (2.42) scrapes a live fabric's agents and manager in OperationsIT; promtool lints
# their expositions (the package's service is not started here: a test runs its own)
command -v prometheus >/dev/null || need+=(prometheus)
command -v promtool >/dev/null || need+=(prometheus)
# Debian's nginx: the front before two managers that ClusterFailoverIT opens the page through (README, "Two or
# more managers"); the test runs its own, the package's service is not needed
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
# zsh: vnetctl's zsh completion script is loaded in a real zsh by its test
command -v zsh >/dev/null || need+=(zsh)
# fonts for the adaptation benchmark's plot (Java2D text, headless)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
command -v fc-list >/dev/null || need+=(fontconfig)
if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  apt_install "${need[@]}"
else
  say "all present"
fi
[ -e /dev/net/tun ] || modprobe tun
node_version=$(node -p 'process.versions.node')
if [ "$(printf '%s\n' 18.0.0 "$node_version" | sort -V | head -1)" != 18.0.0 ]; then
  echo "setup.sh: Node.js $node_version is too old: the management page's build (Vite 5) needs 18 or later" >&2
  exit 1
fi
# PostgreSQL for the manager's persistence tests (installs and starts Debian's server, writes the URL).
"$(dirname "$0")/postgres.sh"
"$(dirname "$0")/libvirt.sh"  # libvirt, QEMU and the tiny test guest of LibvirtGuestIT (no system-wide daemon)
say "java $(java -version 2>&1 | head -1 | cut -d'"' -f2), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), node $node_version, npm $(npm --version), $(iperf3 --version | head -1 | cut -d' ' -f1-2), $(tincd --version | head -1): all tools present"
