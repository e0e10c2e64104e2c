#!/usr/bin/env bash
# Installs what VNET's build, demo and tests need on Debian 12 (run as root):
# Java 17, Maven, iproute2 (ip, bridge, tc), ping, iperf3, iptables, nftables, curl, ethtool, procps (sysctl),
# libpcap (the proxy's LAN device), dnsmasq-base and busybox (the home network's DHCP server and the
# VMs' DHCP client in ProxyDhcpIT and the demo; dnsmasq-base is only the binary, no system service),
# tinc (tincd 1.0, for the data plane benchmark), openssl (TLS certificates), Node.js and npm (the management
# page's build), Debian's chromium (the page's browser test),
# and PostgreSQL for the manager's persistence tests (scripts/postgres.sh).
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: run as root (it installs packages with apt-get)" >&2
  exit 1
fi
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
command -v openssl >/dev/null || need+=(openssl)
# the management page: Node.js and npm build it (ui-extension, Vite 7 needs Node 20.19+); Debian's chromium runs its
# browser test (UiIT, headless, driven by playwright-core: nothing downloads a browser)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v chromium >/dev/null || need+=(chromium)
# fonts for the adaptation benchmark's plot (Java2D text, headless)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
command -v fc-list >/dev/null || need+=(fontconfig)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -e /dev/net/tun ] || modprobe tun
node_version=$(node -p 'process.versions.node')
if [ "$(printf '%s\n' 20.19.0 "$node_version" | sort -V | head -1)" != 20.19.0 ]; then
  echo "setup.sh: Node.js $node_version is too old: the management page's build (Vite 7) needs 20.19 or later" >&2
  exit 1
fi
# PostgreSQL for the manager's persistence tests (installs and starts Debian's server, writes the URL).
"$(dirname "$0")/postgres.sh"
"$(dirname "$0")/libvirt.sh"  # libvirt, QEMU and the tiny test guest of LibvirtGuestIT (no system-wide daemon)
echo "setup.sh: java $(java -version 2>&1 | head -1 | cut -d'"' -f2), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), $(iperf3 --version | head -1 | cut -d' ' -f1-2), $(tincd --version | head -1), all tools present"
