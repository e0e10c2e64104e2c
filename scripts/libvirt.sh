#!/usr/bin/env bash
# Prepares this Debian 12 machine for the libvirt integration tests (LibvirtGuestIT); run as root.
# - installs what is missing (no recommends): libvirt-daemon-system, qemu-system-x86, cpio;
#   starts no system-wide libvirtd or virtlogd (the tests start their own, by pid);
# - makes /dev/kvm root:kvm 0660 (without udev, libvirtd otherwise re-probes QEMU on every call);
# - builds the tiny test guest in /var/lib/vnet-test/guest/: Debian's kernel (the package that
#   linux-image-amd64 depends on, fetched with apt-get download and unpacked with dpkg-deb -x,
#   never installed into the system) and an initramfs made of static busybox (busybox-static,
#   also only unpacked: it conflicts with the busybox package), the kernel's virtio network
#   modules and an /init (see guest_init below). Cached by the kernel and busybox versions:
#   a second run with the same versions changes nothing.
# Result: /var/lib/vnet-test/guest/{vmlinuz,initramfs.gz,VERSION}.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive CI=true
PROGRESS_NAME=libvirt
. "$(dirname "$0")/lib/progress.sh"
if [ "$(id -u)" != 0 ]; then
  echo "libvirt.sh: run as root (it installs packages with apt-get)" >&2
  exit 1
fi
GUEST=/var/lib/vnet-test/guest
# the modules the guest loads, named by what it needs: the PCI transport and the NIC driver;
# their dependencies are read from the modules themselves
GUEST_MODULES="virtio_pci virtio_net"

need=()
command -v libvirtd >/dev/null || need+=(libvirt-daemon-system)
command -v virsh >/dev/null || need+=(libvirt-clients)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v cpio >/dev/null || need+=(cpio)
command -v gzip >/dev/null || need+=(gzip)
updated=false
if [ ${#need[@]} -gt 0 ]; then
  updated=true
  # policy-rc.d 101: the packages' maintainer scripts must not start system-wide daemons
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=true
    trap 'rm -f "$policy"' EXIT
  fi
  apt_install "${need[@]}"
  if $own_policy; then
    rm -f "$policy"
    trap - EXIT
  fi
fi

# /dev/kvm: group kvm, 0660 (as Debian's udev rule would make it)
getent group kvm >/dev/null || groupadd --system kvm
if [ -e /dev/kvm ]; then
  chown root:kvm /dev/kvm
  chmod 0660 /dev/kvm
else
  say "no /dev/kvm here; the guests will run on QEMU's emulator (TCG), slower"
fi

# The guest's /init (busybox sh). Kernel command line: vnet.ip=A.B.C.D/N (required),
# vnet.gw=A.B.C.D, vnet.mtu=N, vnet.send_mib=N (what port 5002 sends, default 20).
# It prints "VNET-GUEST-READY ip=... mac=..." on the console once eth0 is up, then serves:
# - ping (the kernel answers);
# - TCP 5001: a sink; after each connection it prints "VNET-GUEST-RECEIVED <bytes>";
# - TCP 5002: sends vnet.send_mib MiB of zeros, then prints "VNET-GUEST-SENT <bytes>".
# Every 10 s it prints a heartbeat with eth0's counters ("VNET-GUEST-ALIVE ..."), so that a
# stalled test shows whether the guest still ran and what reached it; each server runs in a loop,
# a fresh nc per connection. When it cannot configure eth0 it prints "VNET-GUEST-FAILED <why>".
guest_init() {
  cat <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /run /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
exec </dev/console >/dev/console 2>&1
say() { echo "vnet-guest: $*"; }
fail() { echo "VNET-GUEST-FAILED $*"; cat /proc/net/dev; while true; do sleep 3600; done; }
for m in $(cat /lib/modules/load-order); do
  insmod "/lib/modules/$m.ko" || say "insmod $m failed"
done
arg() { for w in $(cat /proc/cmdline); do case "$w" in "$1="*) echo "${w#*=}" ;; esac; done; }
ip_cidr=$(arg vnet.ip); gw=$(arg vnet.gw); mtu=$(arg vnet.mtu); send_mib=$(arg vnet.send_mib)
[ -n "$send_mib" ] || send_mib=20
[ -n "$ip_cidr" ] || fail "no vnet.ip=A.B.C.D/N on the kernel command line: $(cat /proc/cmdline)"
hostname vnet-guest
ip link set lo up
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
[ -e /sys/class/net/eth0 ] || fail "no eth0 (virtio_net did not find a NIC): $(ls /sys/class/net)"
[ -z "$mtu" ] || ip link set eth0 mtu "$mtu"
ip addr add "$ip_cidr" dev eth0 || fail "cannot put $ip_cidr on eth0"
ip link set eth0 up
[ -z "$gw" ] || ip route add default via "$gw"
mkfifo /run/hold
sink() {
  while true; do
    n=$(nc -l -p 5001 0<>/run/hold | wc -c)
    echo "VNET-GUEST-RECEIVED $n"
  done
}
source_() {
  while true; do
    dd if=/dev/zero bs=65536 count=$((send_mib * 16)) 2>/dev/null | nc -l -p 5002
    echo "VNET-GUEST-SENT $((send_mib * 1048576))"
  done
}
sink &
source_ &
echo "VNET-GUEST-READY ip=$ip_cidr mac=$(cat /sys/class/net/eth0/address) uptime=$(cut -d' ' -f1 /proc/uptime)"
while true; do
  sleep 10
  echo "VNET-GUEST-ALIVE uptime=$(cut -d' ' -f1 /proc/uptime) eth0 $(awk '/eth0:/ {print "rx_bytes=" $2, "rx_packets=" $3, "tx_bytes=" $10, "tx_packets=" $11}' /proc/net/dev) carrier=$(cat /sys/class/net/eth0/carrier) free_kb=$(awk '/MemFree/ {print $2}' /proc/meminfo)"
done
INIT
}

# the versions the guest is built from
kernel_pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-6\.1[^ ]*-amd64\)$/\1/p' | head -1)
if [ -z "$kernel_pkg" ] && ! $updated; then
  logged apt apt "updating the package lists" apt-get update
  updated=true
  kernel_pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-6\.1[^ ]*-amd64\)$/\1/p' | head -1)
fi
if [ -z "$kernel_pkg" ]; then
  echo "libvirt.sh: cannot tell which linux-image-6.1.*-amd64 package linux-image-amd64 depends on" \
       "(apt-cache depends linux-image-amd64: $(apt-cache depends linux-image-amd64 2>&1 | tr '\n' ' '))" >&2
  exit 1
fi
kernel_ver=$(apt-cache policy "$kernel_pkg" | sed -n 's/^ *Candidate: //p')
busybox_ver=$(apt-cache policy busybox-static | sed -n 's/^ *Candidate: //p')
if [ -z "$kernel_ver" ] || [ "$kernel_ver" = "(none)" ] || [ -z "$busybox_ver" ] || [ "$busybox_ver" = "(none)" ]; then
  echo "libvirt.sh: no candidate version of $kernel_pkg ('$kernel_ver') or busybox-static ('$busybox_ver')" >&2
  exit 1
fi
# the /init's checksum, so that a changed /init rebuilds the guest
recipe=$(guest_init | sha256sum | cut -c1-16)
version="$kernel_pkg $kernel_ver busybox-static $busybox_ver modules $GUEST_MODULES init $recipe"
if [ -f "$GUEST/VERSION" ] && [ "$(cat "$GUEST/VERSION")" = "$version" ] \
    && [ -s "$GUEST/vmlinuz" ] && [ -s "$GUEST/initramfs.gz" ]; then
  say "guest up to date in $GUEST ($version)"
  exit 0
fi


work=$(mktemp -d /tmp/vnet-guest-build.XXXXXX)
trap 'rm -rf "$work"' EXIT
say "building the guest from $kernel_pkg $kernel_ver and busybox-static $busybox_ver"
(cd "$work" && logged apt apt "downloading $kernel_pkg and busybox-static" \
  apt-get download "$kernel_pkg=$kernel_ver" "busybox-static=$busybox_ver")
mkdir -p "$work/kernel" "$work/busybox" "$work/root"
dpkg-deb -x "$work"/"$kernel_pkg"_*.deb "$work/kernel"
dpkg-deb -x "$work"/busybox-static_*.deb "$work/busybox"
vmlinuz=$(ls "$work"/kernel/boot/vmlinuz-* | head -1)
moddir=$(ls -d "$work"/kernel/lib/modules/* | head -1)
[ -f "$vmlinuz" ] && [ -d "$moddir" ] || { echo "libvirt.sh: $kernel_pkg has no vmlinuz or modules" >&2; exit 1; }
if command -v file >/dev/null && ! file "$work/busybox/bin/busybox" | grep -q 'statically linked'; then
  echo "libvirt.sh: busybox-static's busybox is not statically linked" >&2
  exit 1
fi

# the modules, uncompressed, and the order to load them in (dependencies first, read from each
# module's .modinfo "depends=" field; Debian 6.1 ships plain .ko, later kernels .ko.xz or .ko.zst)
mkdir -p "$work/root/lib/modules"
module_file() {
  find "$moddir/kernel" -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" -o -name "$1.ko.gz" | head -1
}
declare -A loaded=()
order=()
add_module() {
  local m=$1 f dep
  [ -z "${loaded[$m]:-}" ] || return 0
  loaded[$m]=adding
  f=$(module_file "$m")
  if [ -z "$f" ]; then
    if grep -q "/$m.ko" "$moddir/modules.builtin" 2>/dev/null; then
      loaded[$m]=builtin
      return 0
    fi
    echo "libvirt.sh: module $m is neither in $kernel_pkg nor built in" >&2
    exit 1
  fi
  case "$f" in
    *.ko.xz) command -v xz >/dev/null || { echo "libvirt.sh: $f is xz-compressed: install xz-utils" >&2; exit 1; } ;;
    *.ko.zst) command -v zstd >/dev/null || { echo "libvirt.sh: $f is zstd-compressed: install zstd" >&2; exit 1; } ;;
  esac
  case "$f" in
    *.ko) cp "$f" "$work/root/lib/modules/$m.ko" ;;
    *.ko.xz) xz -dc "$f" >"$work/root/lib/modules/$m.ko" ;;
    *.ko.zst) zstd -qdc "$f" >"$work/root/lib/modules/$m.ko" ;;
    *.ko.gz) gzip -dc "$f" >"$work/root/lib/modules/$m.ko" ;;
  esac
  for dep in $(tr '\0' '\n' <"$work/root/lib/modules/$m.ko" | sed -n 's/^depends=//p' | tr ',' ' '); do
    add_module "$dep"
  done
  order+=("$m")
  loaded[$m]=done
}
for m in $GUEST_MODULES; do
  add_module "$m"
done
printf '%s\n' "${order[@]}" >"$work/root/lib/modules/load-order"

mkdir -p "$work/root/bin" "$work/root/dev" "$work/root/proc" "$work/root/sys" "$work/root/run" "$work/root/tmp"
cp "$work/busybox/bin/busybox" "$work/root/bin/busybox"
ln -s busybox "$work/root/bin/sh"
guest_init >"$work/root/init"
chmod 755 "$work/root/init"
# the console exists before devtmpfs is mounted, for the kernel's own /init stdio
mknod -m 600 "$work/root/dev/console" c 5 1
mknod -m 666 "$work/root/dev/null" c 1 3

mkdir -p "$GUEST"
(cd "$work/root" && find . -print0 | sort -z | cpio --null -o -H newc --quiet | gzip -9n) >"$work/initramfs.gz"
cp "$vmlinuz" "$GUEST/vmlinuz.new"
cp "$work/initramfs.gz" "$GUEST/initramfs.gz.new"
mv -f "$GUEST/vmlinuz.new" "$GUEST/vmlinuz"
mv -f "$GUEST/initramfs.gz.new" "$GUEST/initramfs.gz"
chmod 644 "$GUEST/vmlinuz" "$GUEST/initramfs.gz"
echo "$version" >"$GUEST/VERSION"
say "guest in $GUEST: vmlinuz $(stat -c %s "$GUEST/vmlinuz") bytes, initramfs.gz" \
     "$(stat -c %s "$GUEST/initramfs.gz") bytes, modules ${order[*]}"
