#!/usr/bin/env bash
# Shell scripts run by unmodified busybox sh and bash-static, natively and under
# picovm (every command is its own picoprocess there: fork, exec, wait, pipes,
# signals between processes).  Each tests/integration/shell/NAME.sh runs twice
# per shell; stdout, stderr and exit status must match.  PATH is a directory of
# busybox applets (links to one copy of busybox), mounted read-only; T_RW is a
# writable host mount and T_TMPFS a tmpfs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/pairs.sh
. "$ROOT/scripts/lib/pairs.sh"
runner_start shell
BIN=$W/bin SCRIPTS=$ROOT/tests/integration/shell T_RW=$W/rw T_TMPFS=$W/tmpfs
mkdir -p "$BIN"
BUSYBOX=$(readlink -f /bin/busybox 2>/dev/null || true)
BASH_STATIC=$(readlink -f /bin/bash-static 2>/dev/null || true)
if [ -x "$BUSYBOX" ]; then
  cp "$BUSYBOX" "$BIN/busybox"
  for a in $("$BIN/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$BIN/$a"; done
fi
[ -x "$BASH_STATIC" ] && cp "$BASH_STATIC" "$BIN/bash"
G_ENV=(PATH="$BIN" "T_RW=$T_RW" "T_TMPFS=$T_TMPFS" HOME=/ LC_ALL=C)
MF_MOUNTS=("ro:$BIN" "ro:$SCRIPTS" "rw:$T_RW" "tmpfs:$T_TMPFS")

for script in "$SCRIPTS"/*.sh; do
  base=$(basename "$script" .sh)
  for sh in sh bash; do
    name=shell:$sh:$base
    if [ "$PICOVM_KVM_OK" != 1 ]; then t_skip "$name" "$PICOVM_KVM_WHY"; continue; fi
    if [ ! -x "$BIN/$sh" ]; then t_fail "$name" "$sh is missing (scripts/deps.sh installs busybox-static, bash-static)"; continue; fi
    out=$W/out/$sh-$base
    fresh_dirs
    run_step native "$out/native" /dev/null "" "$BIN/$sh" "$script"
    fresh_dirs
    run_step picovm "$out/picovm" /dev/null "" "$BIN/$sh" "$script"
    compare_pair "$name" "$out/native" "$out/picovm"
  done
done
results_summary
