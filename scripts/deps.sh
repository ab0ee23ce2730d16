#!/usr/bin/env bash
# Installs the Debian packages that building and testing picovm need, and only
# those that are missing, so that a machine set up earlier costs one dpkg-query.
# Works as root or through sudo; never asks a question (CI has no terminal).
# usage: deps.sh [--ltp]   --ltp: also what building LTP needs (scripts/ltp.sh)
set -euo pipefail

PKGS=(
  gcc make nasm binutils musl-tools   # monitor, guest image, guest test programs (musl)
  libc6-dev                           # static glibc for the glibc variant of the test programs
  clang libclang-rt-14-dev            # libFuzzer smoke runs
  busybox-static bash-static          # integration tests: unmodified static programs
  shfmt                               # a statically linked Go program (threads, its runtime)
  qemu-system-x86 cpio xz-utils       # the emulated SVM host (scripts/svm-host.sh)
  procps diffutils file coreutils     # pgrep, diff, file, timeout used by the runners
)

# Building LTP's tests (scripts/ltp.sh): autotools and the parsers its build uses.
if [ "${1:-}" = --ltp ]; then
  PKGS+=(autoconf automake m4 pkg-config bison flex make gcc libc6-dev xz-utils)
fi

missing=()
for p in "${PKGS[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [ "${st:0:2}" = "ii" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "deps.sh: missing packages ${missing[*]}, and neither root nor password-less sudo" >&2
  exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  --no-install-recommends "${missing[@]}" >/dev/null
