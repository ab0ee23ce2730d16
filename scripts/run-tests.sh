#!/usr/bin/env bash
# What `make test` runs: installs what is missing (scripts/deps.sh), builds, then
#   a. host unit tests and fuzz smoke runs         scripts/run-unit.sh
#   b. guest programs, native vs picovm             tests/integration/run-guest.sh
#   c. busybox-static and bash-static cases         tests/integration/run-busybox.sh
#   d. bad input refused cleanly                    tests/integration/bad-input.sh
#   e. the core on an emulated SVM KVM host         tests/integration/svm-core.sh
#      (when /dev/kvm is not usable here: every guest program there, and c's
#      cases and g's scripts, as svm:bb:CASE and svm:shell:SHELL:NAME)
#   f. the monitor's seccomp lockdown               tests/integration/lockdown.sh
#   g. shell scripts over many picoprocesses        tests/integration/run-shell.sh
#   h. host signals reach the foreground group      tests/integration/host-signals.sh
#   i. killed from the host, nothing left behind    tests/integration/killed.sh
# and checks that no picovm process outlived its test and that no vsock
# switch directory (sockets) was left behind.  One line per test (PASS
# name / FAIL name (why) / SKIP name (reason)), then exactly one last line
# "N passed, M failed[, K skipped]"; exits non-zero if anything failed.
# Tests that need KVM are SKIPPED, loudly, when /dev/kvm is not usable (then
# svm-core.sh runs the guest programs, busybox cases and shell scripts under KVM
# in its emulated host; f, h and i have no stand-in there).
# env: PICOVM (default build/picovm), FUZZ_SECONDS (default 20),
#      PICOVM_TEST_TIMEOUT (seconds per picovm run, default 60), PICOVM_SKIP_SVM=1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/results.sh
. scripts/lib/results.sh
# shellcheck source=scripts/lib/kvm.sh
. scripts/lib/kvm.sh
export PICOVM=${PICOVM:-$ROOT/build/picovm}
# Marks the picovm processes of this run, to find strays among other people's.
export PICOVM_TEST_RUN=$$.$RANDOM
# Where this run's picovm processes make their switch directories.
export XDG_RUNTIME_DIR
XDG_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/picovm-test-run.XXXXXX")
results_init
START=$SECONDS

section() { echo "== $1 ($((SECONDS - START)) s)"; }

section deps
if ! log=$(scripts/deps.sh 2>&1); then
  t_fail deps "scripts/deps.sh failed" "$log"
fi

section build
mkdir -p build
if make -k -j"$(nproc)" all >build/make.log 2>&1; then
  t_pass build
else
  t_fail build "make all failed; build/make.log" "$(grep -E 'error:|\*\*\*' build/make.log | head -n 12)"
fi

kvm_check

for s in scripts/run-unit.sh tests/integration/run-guest.sh tests/integration/run-busybox.sh \
  tests/integration/bad-input.sh tests/integration/svm-core.sh tests/integration/lockdown.sh \
  tests/integration/run-shell.sh tests/integration/host-signals.sh tests/integration/killed.sh; do
  section "$s"
  if [ "$s" = tests/integration/svm-core.sh ] && [ -n "${PICOVM_SKIP_SVM:-}" ]; then
    t_skip svm "PICOVM_SKIP_SVM is set: SVM host NOT tested"
    continue
  fi
  rc=0
  "$s" </dev/null || rc=$?
  [ "$rc" -eq 0 ] || t_fail "$(basename "$s" .sh)" "the runner itself broke off with status $rc"
done

section "stray processes"
# A picovm (or a fork of it) still running after its test ended is a leak.
strays() {
  local exe p
  exe=$(readlink -f "$PICOVM" 2>/dev/null) || return 0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" = "$exe" ] || continue
    tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qx "PICOVM_TEST_RUN=$PICOVM_TEST_RUN" &&
      echo "${p#/proc/} $(tr '\0' ' ' <"$p/cmdline")"
  done
  return 0
}
sleep 1
left=$(strays)
if [ -z "$left" ]; then
  t_pass no-stray-picovm
else
  t_fail no-stray-picovm "picovm processes outlived their tests" "$left"
  # shellcheck disable=SC2046 # only the pids found above
  kill -9 $(echo "$left" | cut -d' ' -f1) 2>/dev/null || true
fi

left=$(ls -A "$XDG_RUNTIME_DIR")
if [ -z "$left" ]; then
  t_pass no-leftover-sockets
else
  t_fail no-leftover-sockets "vsock switch directories outlived their applications" "$left"
fi
rm -rf "$XDG_RUNTIME_DIR"

section finished
results_summary
