#!/usr/bin/env bash
# svm-host.sh DIR CMD [ARGS...]
# Runs CMD on an emulated ordinary AMD SVM KVM host, to test picovm's VMX/SVM paths
# on machines whose own /dev/kvm is another kind (or missing): QEMU TCG emulates an
# EPYC CPU with SVM, Debian's kernel boots with kvm_amd loaded, busybox is the whole
# user space.  DIR is copied to /app; CMD runs there (cwd /app, PATH /app:/bin).
# Programs in DIR must be static.  Timings inside are emulated: correctness only.
#
# Exit status: CMD's; 125 if the emulated host did not finish; 126 if it could not
# be set up (no qemu, no kernel package to be had).
# env: PICOVM_SVM_CACHE  kernel cache (default ${XDG_CACHE_HOME:-~/.cache}/picovm/svm-host)
#      PICOVM_SVM_MEM    guest memory (default 2G)     PICOVM_SVM_SMP  vCPUs (default 1)
#      PICOVM_SVM_TIMEOUT seconds for the whole boot (default 600)
# Needs qemu-system-x86, cpio, busybox-static (scripts/deps.sh) and apt-get for the
# first download of the kernel package (no root needed once it is cached).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 DIR CMD [ARGS...]" >&2; exit 2; }
SRC=$(cd "$1" && pwd)
shift
CACHE=${PICOVM_SVM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/picovm/svm-host}
MEM=${PICOVM_SVM_MEM:-2G} SMP=${PICOVM_SVM_SMP:-1} TMO=${PICOVM_SVM_TIMEOUT:-600}
BUSYBOX=$(readlink -f /bin/busybox 2>/dev/null || true)

die() { echo "svm-host: $*" >&2; exit 126; }
for c in qemu-system-x86_64 cpio gzip dpkg-deb; do
  command -v "$c" >/dev/null || die "$c is missing (scripts/deps.sh installs it)"
done
[ -x "$BUSYBOX" ] || die "/bin/busybox is missing (package busybox-static)"

W=$(mktemp -d "${TMPDIR:-/tmp}/picovm-svm.XXXXXX")
trap 'rm -rf "$W"' EXIT

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
kernel_version() {
  apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: linux-image-//p' | head -n 1
}

cached_version() {
  find "$CACHE" -mindepth 2 -maxdepth 2 -name vmlinuz 2>/dev/null | sort -V | tail -n 1 | xargs -r dirname | xargs -r basename
}

# The kernel: the version Debian's linux-image-amd64 points at now, else any cached.
KVER=$(kernel_version)
[ -n "$KVER" ] || KVER=$(cached_version)
if [ -z "$KVER" ]; then
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
  KVER=$(kernel_version)
fi
[ -n "$KVER" ] || die "cannot tell which Debian kernel to use (apt-get update needs root)"
K=$CACHE/$KVER

# Cached per version: vmlinuz, and the kvm-amd module with the modules it needs
# in mod/, in loading order in mod/order.
# add_module NAME: copies NAME's dependencies, then NAME (the package has no
# modules.dep: depmod runs at install, so they come from each module's .modinfo).
add_module() {
  local name=$1 f base dep
  grep -qx "$name.ko" "$K.new/mod/order" 2>/dev/null && return 0
  f=$(find "$M/kernel" -regextype posix-extended \
        -regex ".*/(${name}|${name//_/-}|${name//-/_})\.ko(\.xz|\.zst)?" | head -n 1)
  [ -n "$f" ] || die "module $name not found in linux-image-$KVER"
  base=$name.ko
  case $f in
    *.xz) xz -dc "$f" >"$K.new/mod/$base" ;;
    *.zst) zstd -qdc "$f" >"$K.new/mod/$base" ;;
    *) cp "$f" "$K.new/mod/$base" ;;
  esac
  for dep in $(tr '\0' '\n' <"$K.new/mod/$base" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '); do
    add_module "$dep"
  done
  echo "$base" >>"$K.new/mod/order"
}
# extract_kernel DEB: vmlinuz and the modules into $K.
extract_kernel() {
  dpkg-deb -x "$1" "$W/x"
  M=$W/x/lib/modules/$KVER
  rm -rf "$K.new"
  mkdir -p "$K.new/mod"
  cp "$W/x/boot/vmlinuz-$KVER" "$K.new/vmlinuz"
  add_module kvm-amd
  rm -rf "$K"
  mv "$K.new" "$K"
}
if [ ! -f "$K/vmlinuz" ] || [ ! -f "$K/mod/order" ]; then
  echo "svm-host: fetching linux-image-$KVER into $CACHE" >&2
  mkdir -p "$W/deb" "$CACHE"
  if (cd "$W/deb" && apt-get download "linux-image-$KVER" >"$W/apt.log" 2>&1); then
    extract_kernel "$W"/deb/linux-image-*.deb
  else
    cat "$W/apt.log" >&2
    KVER=$(cached_version)
    [ -n "$KVER" ] || die "cannot download the kernel package, and none is cached"
    echo "svm-host: using the cached kernel $KVER instead" >&2
    K=$CACHE/$KVER
  fi
fi

# The initramfs: busybox, the modules, DIR as /app, and an init that runs CMD
# between two marker lines and powers off.  No device nodes are needed in the
# archive (it is built without root): init mounts devtmpfs before any output.
R=$W/root
mkdir -p "$R"/{bin,dev,proc,sys,tmp,mod}
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done
cp "$K"/mod/* "$R/mod/"
cp -a "$SRC" "$R/app"
{
  echo '#!/bin/sh'
  echo 'export PATH=/app:/bin'
  echo 'mount -t devtmpfs dev /dev && exec </dev/console >/dev/console 2>&1'
  echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t tmpfs tmp /tmp'
  echo 'for m in $(cat /mod/order); do insmod "/mod/$m" || echo "svm-host: insmod $m failed"; done'
  echo '[ -c /dev/kvm ] || echo "svm-host: no /dev/kvm in the emulated host"'
  echo 'cd /app'
  echo 'echo PICOVM-SVM-BEGIN'
  printf '%q ' "$@"; echo
  echo 'echo "PICOVM-SVM-END rc=$?"'
  echo 'poweroff -f'
} >"$R/init"
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$W/initrd.gz"

# microvm has neither HPET nor a PM timer: tell the kernel the TSC's rate.
APPEND="console=ttyS0 quiet panic=-1"
KHZ=$(awk -F: '/^cpu MHz/ { printf "%d", $2 * 1000; exit }' /proc/cpuinfo)
[ -n "$KHZ" ] && APPEND="$APPEND tsc_early_khz=$KHZ"
timeout -k 5 "$TMO" qemu-system-x86_64 -M microvm -accel tcg -cpu EPYC,+svm -m "$MEM" -smp "$SMP" \
  -nographic -no-reboot -nodefaults -serial stdio -kernel "$K/vmlinuz" -initrd "$W/initrd.gz" \
  -append "$APPEND" </dev/null >"$W/console.log" 2>&1 || true

tr -d '\r' <"$W/console.log" >"$W/console.txt"
# Between the markers; without an end marker (a boot cut short), all that came.
awk '/^PICOVM-SVM-END rc=/ { exit } on; /^PICOVM-SVM-BEGIN$/ { on = 1 }' "$W/console.txt"
grep -a '^svm-host: ' "$W/console.txt" >&2 || true
rc=$(sed -n 's/^PICOVM-SVM-END rc=\([0-9]*\)$/\1/p' "$W/console.txt" | tail -n 1)
if [ -z "$rc" ]; then
  echo "svm-host: the emulated host did not finish; its console ended with:" >&2
  tail -n 15 "$W/console.txt" >&2
  exit 125
fi
exit "$rc"
