#!/usr/bin/env bash
# The monitor locks itself down before the guest runs (monitor/lockdown.c): while
# busybox `sleep 2` runs under picovm, every thread of the monitor (the back
# process, child of the picovm started) has a seccomp filter (Seccomp: 2) and no new
# privileges (NoNewPrivs: 1); and the run still ends as it should.  That the filter
# lets every real workload through is what the rest of the suite shows.
# env: PICOVM (default build/picovm).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/results.sh
. "$ROOT/scripts/lib/results.sh"
# shellcheck source=scripts/lib/kvm.sh
. "$ROOT/scripts/lib/kvm.sh"
# shellcheck source=scripts/lib/manifest.sh
. "$ROOT/scripts/lib/manifest.sh"
PICOVM=${PICOVM:-$ROOT/build/picovm}
TESTS=(lockdown:seccomp lockdown:no-new-privs lockdown:run)
results_init
kvm_check
ulimit -c 0

finish() { results_summary; exit; }
if [ "$PICOVM_KVM_OK" != 1 ]; then
  for t in "${TESTS[@]}"; do t_skip "$t" "$PICOVM_KVM_WHY"; done
  finish
fi
PROG=$(readlink -f /bin/busybox 2>/dev/null || true)
if [ -z "$PROG" ] || [ ! -x "$PROG" ] || [ ! -x "$PICOVM" ]; then
  for t in "${TESTS[@]}"; do t_fail "$t" "need /bin/busybox (scripts/deps.sh) and $PICOVM"; done
  finish
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/picovm-lockdown.XXXXXX")
trap 'rm -rf "$W"' EXIT
MF_ENV=(PATH=/usr/bin:/bin)
MF_MOUNTS=("ro:$(dirname "$PROG")")
write_manifest "$W/sleep.manifest" "$PROG" sleep 2

children() { cat "/proc/$1/task/$1/children" 2>/dev/null || true; }

# monitor_threads PID: a line "Seccomp N NoNewPrivs M" for every picovm thread of
# the monitor, the grandchild of PID (timeout -> picovm front -> back); the
# kernel's own workers in the process (kvm-nx-lpage-recovery) are left out.
monitor_threads() {
  local front back t
  for front in $(children "$1"); do
    for back in $(children "$front"); do
      for t in "/proc/$back/task/"*; do
        [ "$(cat "$t/comm" 2>/dev/null)" = picovm ] || continue
        awk '/^Seccomp:/ { s = $2 } /^NoNewPrivs:/ { n = $2 } END { print "Seccomp " s " NoNewPrivs " n }' \
          "$t/status" 2>/dev/null || true
      done
    done
  done
}

timeout -k 5 60 "$PICOVM" run "$W/sleep.manifest" </dev/null >"$W/out" 2>"$W/err" &
run=$!
# Until the vCPU and the PAL server thread are both seen filtered (setup is over),
# keeping the last view of them for the verdict.
seen=
for _ in $(seq 30); do
  now=$(monitor_threads "$run")
  [ -z "$now" ] || seen=$now
  if [ "$(grep -c . <<<"$seen")" -ge 2 ] && ! grep -qv '^Seccomp 2 ' <<<"$seen"; then
    break
  fi
  sleep 0.05
done
rc=0
wait "$run" || rc=$?

if [ "$(grep -c . <<<"$seen")" -lt 2 ]; then
  t_fail lockdown:seccomp "did not see the monitor's two threads" "$seen"
elif grep -qv '^Seccomp 2 ' <<<"$seen"; then
  t_fail lockdown:seccomp "a monitor thread without a seccomp filter" "$seen"
else
  t_pass lockdown:seccomp
fi
if [ -n "$seen" ] && ! grep -qv ' NoNewPrivs 1$' <<<"$seen"; then
  t_pass lockdown:no-new-privs
else
  t_fail lockdown:no-new-privs "a monitor thread may gain privileges" "$seen"
fi
if [ "$rc" -eq 0 ] && [ ! -s "$W/err" ]; then
  t_pass lockdown:run
else
  t_fail lockdown:run "status $rc, expected 0 and no message" "$(head -n 5 "$W/err")"
fi
finish
