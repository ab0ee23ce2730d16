#!/usr/bin/env bash
# picovm's core on an ordinary SVM KVM host (emulated by scripts/svm-host.sh, one
# boot for the whole subset): hello, t_exit, t_segv, fork/exec/wait (t_fork, t_kill),
# pipes (t_pipe, t_pipe_fork), the signal tests (there a handler is entered by sysretq
# and sigreturn leaves by iretq, both from CPL0), natively vs under picovm as in
# run-guest.sh, hostile_pal (PICOVM-ONLY) and a busybox applet.  A test is a musl
# build (NAME) or a glibc one (glibc:NAME), as in run-guest.sh.
# Manifests use paths under /app; the emulated host runs tests/integration/svm-check.sh.
# env: PICOVM (default build/picovm; must be static), PICOVM_SVM_* (svm-host.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/results.sh
. "$ROOT/scripts/lib/results.sh"
# shellcheck source=scripts/lib/manifest.sh
. "$ROOT/scripts/lib/manifest.sh"
# shellcheck source=scripts/lib/fixture.sh
. "$ROOT/scripts/lib/fixture.sh"
# shellcheck source=scripts/lib/headers.sh
. "$ROOT/scripts/lib/headers.sh"
PICOVM=${PICOVM:-$ROOT/build/picovm}
TESTS=(hello t_exit t_segv hostile_pal t_fork t_kill t_pipe t_pipe_fork t_signal t_sighandler t_sigsegv t_alarm
  glibc:hello glibc:t_fork glibc:t_kill glibc:t_pipe_fork glibc:t_sighandler)
results_init

skip_all() { local t; for t in "${TESTS[@]}" busybox; do t_skip "svm:$t" "$1"; done; }
fail_all() { local t; for t in "${TESTS[@]}" busybox; do t_fail "svm:$t" "$1" "${2:-}"; done; }

if ! command -v qemu-system-x86_64 >/dev/null; then
  skip_all "qemu-system-x86_64 missing after scripts/deps.sh: SVM host NOT tested"
  results_summary
  exit
fi
if [ ! -x "$PICOVM" ]; then
  fail_all "no picovm binary at $PICOVM"
  results_summary
  exit
fi
if ! file -L "$PICOVM" | grep -Eq 'statically linked|static-pie'; then
  fail_all "$PICOVM is not static: the emulated host has no libc"
  results_summary
  exit
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/picovm-svmcore.XXXXXX")
trap 'rm -rf "$W"' EXIT
A=$W/app
mkdir -p "$A/bin" "$A/rw" "$A/tmpfs" "$A/rw-hostile"
escape_links "$A/rw-hostile"
cp "$PICOVM" "$A/picovm"
cp "$ROOT/tests/integration/svm-check.sh" "$A/"
make_fixture "$A/ro"
# Under /app as the emulated host sees it:
T_RO=/app/ro T_RW=/app/rw T_TMPFS=/app/tmpfs
G_ENV=(PATH=/usr/bin:/bin "T_RO=$T_RO" "T_RW=$T_RW" "T_TMPFS=$T_TMPFS")
MF_ENV=("${G_ENV[@]}")
MF_MOUNTS=(ro:/app/bin "ro:$T_RO" "rw:$T_RW" "tmpfs:$T_TMPFS")
echo "${G_ENV[*]}" >"$A/env.list"
: >"$A/tests.list"

# add_test NAME KIND EXPECT-EXIT ARGV[1..]: program already in $A/bin.
add_test() {
  local name=$1 kind=$2 want=$3
  shift 3
  write_manifest "$A/$name.manifest" "/app/bin/$name" "$@"
  if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi >"$A/$name.args"
  [ -f "$A/$name.stdin" ] || : >"$A/$name.stdin"
  echo "$name $kind $want" >>"$A/tests.list"
}

for t in "${TESTS[@]}"; do
  prog=${t#glibc:} build=build/tests
  [ "$prog" = "$t" ] || build=build/tests-glibc
  src=$ROOT/tests/guest/$prog.c
  if [ ! -f "$src" ] || [ ! -x "$ROOT/$build/$prog" ]; then
    t_fail "svm:$t" "not built: $build/$prog"
    continue
  fi
  cp "$ROOT/$build/$prog" "$A/bin/$t"
  args=()
  eval "args=($(header_value "$src" ARGS))"
  if header_flag "$src" STDIN:; then printf '%b\n' "$(header_value "$src" STDIN)" >"$A/$t.stdin"; fi
  if header_flag "$src" PICOVM-ONLY; then
    want=$(header_value "$src" EXPECT-EXIT)
    if [ -f "${src%.c}.expected" ]; then cp "${src%.c}.expected" "$A/$t.expected"; else : >"$A/$t.expected"; fi
    add_test "$t" only "${want:-0}" "${args[@]}"
  else
    add_test "$t" native - "${args[@]}"
  fi
done
cp "$(readlink -f /bin/busybox)" "$A/bin/busybox"
add_test busybox native - sh -c 'echo "busybox on SVM: $((6 * 7))"; exit 3'

rc=0
"$ROOT/scripts/svm-host.sh" "$A" sh /app/svm-check.sh >"$W/results" 2>"$W/log" || rc=$?
if [ "$rc" -eq 126 ]; then
  skip_all "emulated SVM host unavailable, NOT tested: $(tail -n 1 "$W/log")"
  results_summary
  exit
elif [ "$rc" -ne 0 ]; then
  fail_all "the emulated SVM host failed (status $rc)" "$(tail -n 12 "$W/log")"
  results_summary
  exit
fi
# Every test must have reported: a missing line is a failure, not a pass.
while read -r t _ _; do
  if ! grep -Eq "^(PASS|FAIL) svm:$t( |$)" "$W/results"; then
    echo "FAIL svm:$t (no result from the emulated host)" >>"$W/results"
  fi
done <"$A/tests.list"
while IFS= read -r line; do
  case $line in
    "PASS "*) t_pass "${line#PASS }" ;;
    "FAIL "*) name=${line#FAIL }; t_fail "${name%% *}" "$(echo "${name#* }" | sed 's/^(//; s/)$//')" ;;
    "    "*) echo "$line" ;;
  esac
done <"$W/results"

results_summary
