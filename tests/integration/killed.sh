#!/usr/bin/env bash
# An application killed from the host leaves nothing behind: no picovm
# process, no socket of its vsock switch.
#   front:  SIGKILL to the picovm process the caller started (its monitor
#           removes the switch directory, then the whole application ends)
#   group:  SIGKILL to every process of the application at once: the
#           directory stays, unlocked, and the next picovm start removes it
#           once it is stale (a minute old; the test ages it)
# Runs with a private XDG_RUNTIME_DIR, where picovm makes its directories.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/runner.sh
. "$ROOT/scripts/lib/runner.sh"
# shellcheck source=scripts/lib/manifest.sh
. "$ROOT/scripts/lib/manifest.sh"
runner_start killed
BUSYBOX=$(readlink -f /bin/busybox 2>/dev/null || true)
export XDG_RUNTIME_DIR=$W/run
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
MF_ENV=(PATH=/bin)
MF_MOUNTS=("ro:$(dirname "$BUSYBOX")" "ro:$ROOT/build/tests")
write_manifest "$W/sleepers.manifest" "$BUSYBOX" sh -c 'sleep 30 & sleep 30 & sleep 30; wait'
write_manifest "$W/hello.manifest" "$ROOT/build/tests/hello"

# ours MANIFEST: pids of the picovm processes running it.
ours() { ps -eo pid=,args= | awk -v m="$1" 'index($0, m) && $0 !~ /awk/ {print $1}'; }

# started MANIFEST: waits until the application has its 4 processes.
started() {
  local i
  for ((i = 0; i < 200; i++)); do
    [ "$(ls "$XDG_RUNTIME_DIR"/picovm-*/ 2>/dev/null | wc -l)" -ge 4 ] && return 0
    sleep 0.05
  done
  return 1
}

# gone MANIFEST: waits until none of its processes is left.
gone() {
  local i
  for ((i = 0; i < 100; i++)); do
    [ -z "$(ours "$1")" ] && return 0
    sleep 0.05
  done
  return 1
}

if [ "$PICOVM_KVM_OK" != 1 ]; then
  t_skip killed:front "$PICOVM_KVM_WHY"
  t_skip killed:group "$PICOVM_KVM_WHY"
  results_summary
  exit
fi
if [ ! -x "$BUSYBOX" ]; then
  t_fail killed:front "busybox is missing (scripts/deps.sh installs busybox-static)"
  results_summary
  exit
fi

"$PICOVM" run "$W/sleepers.manifest" </dev/null >/dev/null 2>&1 &
front=$!
disown "$front"   # no "Killed" notice from bash
if ! started; then
  t_fail killed:front "the application did not start its processes"
else
  kill -9 "$front"
  if ! gone "$W/sleepers.manifest"; then
    t_fail killed:front "picovm processes left after the front was killed" "$(ours "$W/sleepers.manifest")"
  elif ls -d "$XDG_RUNTIME_DIR"/picovm-* >/dev/null 2>&1; then
    t_fail killed:front "the switch directory was left" "$(ls -R "$XDG_RUNTIME_DIR")"
  else
    t_pass killed:front
  fi
fi

setsid "$PICOVM" run "$W/sleepers.manifest" </dev/null >/dev/null 2>&1 &
leader=$!
disown "$leader"
if ! started; then
  t_fail killed:group "the application did not start its processes"
else
  kill -9 -- "-$leader"
  gone "$W/sleepers.manifest" || true
  touch -d '2 minutes ago' "$XDG_RUNTIME_DIR"/picovm-*
  # A killed monitor holds its files (the lock) until the host has torn
  # its VM down: later starts remove the directory once that is over.
  for ((i = 0; i < 20; i++)); do
    out=$("$PICOVM" run "$W/hello.manifest" </dev/null 2>&1) || true
    ls -d "$XDG_RUNTIME_DIR"/picovm-* >/dev/null 2>&1 || break
    sleep 0.1
  done
  if [ -n "$(ours "$W/sleepers.manifest")" ]; then
    t_fail killed:group "picovm processes left after SIGKILL to all" "$(ours "$W/sleepers.manifest")"
  elif [ "$out" != "hello, world" ]; then
    t_fail killed:group "the next start failed" "$out"
  elif ls -d "$XDG_RUNTIME_DIR"/picovm-* >/dev/null 2>&1; then
    t_fail killed:group "the stale switch directory was not removed by the next start" "$(ls -R "$XDG_RUNTIME_DIR")"
  else
    t_pass killed:group
  fi
fi
results_summary
