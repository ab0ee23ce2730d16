#!/usr/bin/env bash
# Host signals for the application: `kill -SIG` of the picovm process reaches
# the application's foreground process group (the first process's), as a terminal's ^C
# reaches a shell's.  Natively the same script runs in a process group of its
# own (setsid) and the whole group gets the signal.  Each
# tests/integration/hostsig/NAME.sh runs under busybox sh and bash-static, for
# SIGTERM, SIGINT and SIGHUP (in $SIG); it creates $T_RW/ready once every
# process the signal must reach is in the group and set up, so that what it
# prints does not depend on when the signal comes after that (nor on the
# host's speed).  stdout, stderr and exit status must match.  Both runs
# start with default signal dispositions (env --default-signal): a runner
# started in the background has SIGINT ignored, which a shell cannot undo.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/pairs.sh
. "$ROOT/scripts/lib/pairs.sh"
runner_start hostsig
BIN=$W/bin SCRIPTS=$ROOT/tests/integration/hostsig T_RW=$W/rw
mkdir -p "$BIN"
BUSYBOX=$(readlink -f /bin/busybox 2>/dev/null || true)
BASH_STATIC=$(readlink -f /bin/bash-static 2>/dev/null || true)
[ -x "$BUSYBOX" ] && cp "$BUSYBOX" "$BIN/busybox" && for a in sh sleep; do ln -sf busybox "$BIN/$a"; done
[ -x "$BASH_STATIC" ] && cp "$BASH_STATIC" "$BIN/bash"
MF_MOUNTS=("ro:$BIN" "ro:$SCRIPTS" "rw:$T_RW")

# signalled MODE OUTDIR SIG ARGV...: starts the run, signals it once it is ready.
signalled() {
  local mode=$1 out=$2 sig=$3 pid rc=0 i
  shift 3
  rm -rf "$T_RW" && mkdir -p "$T_RW" "$out"
  local env=(PATH="$BIN" "T_RW=$T_RW" "SIG=$sig" HOME=/ LC_ALL=C)
  if [ "$mode" = native ]; then
    (cd / && exec setsid env --default-signal -i "${env[@]}" "$@") </dev/null >"$out/stdout" 2>"$out/stderr" &
  else
    MF_ENV=("${env[@]}")
    write_manifest "$out/run.manifest" "$@"
    (cd / && exec env --default-signal "$PICOVM" run "$out/run.manifest") </dev/null >"$out/stdout" 2>"$out/stderr" &
  fi
  pid=$!
  for ((i = 0; i < 600; i++)); do [ -e "$T_RW/ready" ] && break; sleep 0.05; done
  if [ "$mode" = native ]; then kill -s "$sig" -- "-$pid"; else kill -s "$sig" "$pid"; fi
  for ((i = 0; i < 600; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  if [ "$mode" = native ]; then kill -9 -- "-$pid" 2>/dev/null || true; else kill -9 "$pid" 2>/dev/null || true; fi
  wait "$pid" || rc=$?
  echo "$rc" >"$out/status"
}

for script in "$SCRIPTS"/*.sh; do
  base=$(basename "$script" .sh)
  for sh in sh bash; do
    for sig in TERM INT HUP; do
      name=hostsig:$sh:$base:$sig
      if [ "$PICOVM_KVM_OK" != 1 ]; then t_skip "$name" "$PICOVM_KVM_WHY"; continue; fi
      if [ ! -x "$BIN/$sh" ]; then t_fail "$name" "$sh is missing (scripts/deps.sh installs busybox-static, bash-static)"; continue; fi
      out=$W/out/$sh-$base-$sig
      signalled native "$out/native" "$sig" "$BIN/$sh" "$script"
      signalled picovm "$out/picovm" "$sig" "$BIN/$sh" "$script"
      compare_pair "$name" "$out/native" "$out/picovm"
    done
  done
done
results_summary
