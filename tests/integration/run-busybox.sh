#!/usr/bin/env bash
# Unmodified static Debian programs (busybox-static's /bin/busybox, /bin/bash-static)
# natively vs under picovm: the cases of tests/integration/busybox-cases.txt (format
# there).  The programs' own directory is mounted read-only at its host path; the
# inputs are:
#   T_RO     the guest tests' fixture (tests/guest/make-fixture.sh), read-only
#   T_DATA   small text inputs made here, read-only (beside T_RO, in one mount whose
#            root is their parent, so `ls -la $T_RO` shows a real "..")
#   T_RW     an empty writable host mount, shared by the steps of one case
#   T_TMPFS  a tmpfs mount under picovm, an empty directory natively
# env: PICOVM (default build/picovm), PICOVM_TEST_TIMEOUT (s per run, default 60),
#      PICOVM_KEEP_TMP=1 keeps the work directory (outputs, manifests) for a look.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/pairs.sh
. "$ROOT/scripts/lib/pairs.sh"
# shellcheck source=scripts/lib/cases.sh
. "$ROOT/scripts/lib/cases.sh"
CASES=$ROOT/tests/integration/busybox-cases.txt
runner_start busybox
T_RO=$W/ro/fixture T_DATA=$W/ro/data T_RW=$W/rw T_TMPFS=$W/tmpfs
make_fixture "$T_RO"
case_data "$T_DATA"

# The programs, by their real path (/bin is a symlink to usr/bin on Debian).
declare -A PROG=()
for p in busybox bash-static shfmt; do
  PROG[$p]=$(readlink -f "/bin/$p" 2>/dev/null || true)
done
G_ENV=(PATH=/usr/bin:/bin "T_RO=$T_RO" "T_DATA=$T_DATA" "T_RW=$T_RW" "T_TMPFS=$T_TMPFS")
MF_MOUNTS=("ro:$W/ro" "rw:$T_RW" "tmpfs:$T_TMPFS")
for d in $(for p in "${PROG[@]}"; do [ -n "$p" ] && dirname "$p"; done | sort -u); do
  MF_MOUNTS=("ro:$d" "${MF_MOUNTS[@]}")
done

# run_case MODE NAME: all steps of case NAME (from the array STEP_CMD) into $W/out/NAME/MODE.
run_case() {
  local mode=$1 name=$2 cmd
  fresh_dirs
  for cmd in "${STEP_CMD[@]}"; do
    parse_step "$cmd"
    STEP_ARGV[0]=${PROG[${STEP_ARGV[0]}]:-${STEP_ARGV[0]}}
    run_step "$mode" "$W/out/$name/$mode" "$STEP_IN" "$STEP_OUT" "${STEP_ARGV[@]}"
  done
}

# finish_case: runs and judges the case in CASE_NAME / STEP_CMD (each_case).
finish_case() {
  local name=bb:$CASE_NAME p
  if [ "$PICOVM_KVM_OK" != 1 ]; then
    t_skip "$name" "$PICOVM_KVM_WHY"
  else
    for p in "${STEP_CMD[@]}"; do
      p=${p%% *}
      if [ -z "${PROG[$p]:-}" ] || [ ! -x "${PROG[$p]}" ]; then
        t_fail "$name" "/bin/$p is missing (scripts/deps.sh installs it)"
        return 0
      fi
    done
    run_case native "$CASE_NAME"
    run_case picovm "$CASE_NAME"
    compare_pair "$name" "$W/out/$CASE_NAME/native" "$W/out/$CASE_NAME/picovm"
  fi
}

for p in "${PROG[@]}"; do
  if [ -n "$p" ] && ! file -L "$p" | grep -q 'statically linked'; then
    echo "WARNING: $p is not statically linked: picovm runs static programs only" >&2
  fi
done

each_case "$CASES" finish_case

results_summary
