#!/usr/bin/env bash
# picovm on an ordinary SVM KVM host (emulated by scripts/svm-host.sh, one boot
# for every test), natively vs under picovm as in run-guest.sh; the emulated host
# runs tests/integration/svm-check.sh.  A test is a musl build (NAME) or a glibc
# one (glibc:NAME), as in run-guest.sh; manifests use paths under /app.
# Which tests: where the host's own /dev/kvm is usable, run-guest.sh already runs
# every guest program under KVM, and this runs the core (CORE below: hello, exit
# statuses, crashes, fork/exec/wait, pipes, the signal tests, where a handler is
# entered by sysretq and sigreturn leaves by iretq, both from CPL0; hostile_pal)
# and a busybox applet, to prove the VMX/SVM paths.  Where it is not (CI), this
# is the only KVM the suite gets, so every program of tests/guest/ runs, both
# builds, with the headers run-guest.sh honours (scripts/lib/headers.sh), and so
# do run-busybox.sh's cases (svm:bb:CASE) and run-shell.sh's scripts
# (svm:shell:sh:NAME, svm:shell:bash:NAME), with the programs, inputs, mounts and
# environment those runners give them, laid out under /app.
# All of them take about 110 s on 2 host cores (boot and layout included); 18 about 25 s.
# env: PICOVM (default build/picovm; must be static), PICOVM_SVM_TESTS=all|core|list:NAME...
#      (default: all without a usable /dev/kvm, else core; list: those guest programs,
#      glibc:NAME for the glibc build, plus busybox and go-shfmt),
#      PICOVM_SVM_RUN_TIMEOUT (s per run in the emulated host, default 60),
#      PICOVM_SVM_* (svm-host.sh; PICOVM_SVM_TIMEOUT defaults to 480 for all, 300 for core).
# PICOVM_SVM_SMP=2 finds races one vCPU hides, but its emulated host (TCG's SVM
# on several threads) has been seen to lock up in its own kernel: not the default.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/results.sh
. "$ROOT/scripts/lib/results.sh"
# shellcheck source=scripts/lib/kvm.sh
. "$ROOT/scripts/lib/kvm.sh"
# shellcheck source=scripts/lib/manifest.sh
. "$ROOT/scripts/lib/manifest.sh"
# shellcheck source=scripts/lib/fixture.sh
. "$ROOT/scripts/lib/fixture.sh"
# shellcheck source=scripts/lib/headers.sh
. "$ROOT/scripts/lib/headers.sh"
# shellcheck source=scripts/lib/cases.sh
. "$ROOT/scripts/lib/cases.sh"
PICOVM=${PICOVM:-$ROOT/build/picovm}
CORE=(hello t_exit t_segv hostile_pal t_fork t_kill t_pipe t_pipe_fork t_signal t_sighandler t_sigsegv t_alarm
  glibc:hello glibc:t_fork glibc:t_kill glibc:t_pipe_fork glibc:t_sighandler)
RUN_TMO=${PICOVM_SVM_RUN_TIMEOUT:-60}
results_init

# run-tests.sh has probed already (exported); alone, probe quietly: kvm_check's
# warning that KVM tests are skipped is not true of this runner.
kvm_check >/dev/null
case ${PICOVM_SVM_TESTS:-} in
  all) WHICH=all ;;
  core) WHICH=core ;;
  list:*) WHICH=list ;;
  '') if [ "$PICOVM_KVM_OK" = 1 ]; then WHICH=core; else WHICH=all; fi ;;
  *) echo "svm-core.sh: PICOVM_SVM_TESTS is all, core or list:NAME..., not '$PICOVM_SVM_TESTS'" >&2; exit 2 ;;
esac
# A boot that hangs costs this much; a whole run takes a fraction of it (all:
# about 110 s, twice that on a machine busy with other work).
if [ "$WHICH" = all ]; then export PICOVM_SVM_TIMEOUT=${PICOVM_SVM_TIMEOUT:-480}; fi
export PICOVM_SVM_TIMEOUT=${PICOVM_SVM_TIMEOUT:-300}

if [ "$WHICH" = core ]; then
  TESTS=("${CORE[@]}")
elif [ "$WHICH" = list ]; then
  read -r -a TESTS <<<"${PICOVM_SVM_TESTS#list:}"
else
  echo "svm-core.sh: every guest test on the emulated SVM host (${PICOVM_KVM_WHY:-PICOVM_SVM_TESTS=all})" >&2
  TESTS=()
  for src in "$ROOT"/tests/guest/*.c; do
    [ -e "$src" ] || continue
    prog=$(basename "$src" .c)
    # A test with a known bug on this host: skipped loudly, with the bug's description.
    if header_flag "$src" EMULATED-SKIP:; then
      t_skip "svm:$prog" "EMULATED-SKIP: $(header_value "$src" EMULATED-SKIP)"
      t_skip "svm:glibc:$prog" "EMULATED-SKIP: $(header_value "$src" EMULATED-SKIP)"
      continue
    fi
    TESTS+=("$prog")
    # Reported here, before any way out below, so that it is reported whatever happens.
    if header_flag "$src" MUSL-ONLY:; then
      t_skip "svm:glibc:$prog" "MUSL-ONLY: $(header_value "$src" MUSL-ONLY)"
    else
      TESTS+=("glibc:$prog")
    fi
  done
fi

# With "all", run-busybox.sh's cases and run-shell.sh's scripts too, which
# skip on this host for want of KVM: pair tests of svm-check.sh (bb:CASE,
# shell:SHELL:SCRIPT), laid out below as those runners run them.
BB_CASES=$ROOT/tests/integration/busybox-cases.txt SHELL_DIR=$ROOT/tests/integration/shell
PAIRS=()
if [ "$WHICH" = all ]; then
  pair_name() { PAIRS+=("bb:$CASE_NAME"); }
  each_case "$BB_CASES" pair_name
  for s in "$SHELL_DIR"/*.sh; do
    [ -e "$s" ] || continue
    PAIRS+=("shell:sh:$(basename "$s" .sh)" "shell:bash:$(basename "$s" .sh)")
  done
fi

# The tests not yet reported: every one until they are laid out, then those of
# tests.list (one that could not be laid out has reported its failure).
LIST=
pending() {
  if [ -n "$LIST" ]; then cut -d' ' -f1 "$LIST"; else printf '%s\n' "${TESTS[@]}" busybox go-shfmt "${PAIRS[@]}" appdirs; fi
}
skip_all() { local t; for t in $(pending); do t_skip "svm:$t" "$1"; done; }
fail_all() { local t; for t in $(pending); do t_fail "svm:$t" "$1" "${2:-}"; done; }

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

# add_test NAME KIND EXPECT-EXIT ARGV[1..]: program already in $A/bin; MF_EXTRA
# holds its extra manifest lines.
add_test() {
  local name=$1 kind=$2 want=$3
  shift 3
  write_manifest "$A/$name.manifest" "/app/bin/$name" "$@"
  if [ $# -gt 0 ]; then printf '%s\n' "$@"; fi >"$A/$name.args"
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
  mapfile -t MF_EXTRA < <(header_values "$src" MANIFEST)
  if header_flag "$src" STDIN:; then printf '%b\n' "$(header_value "$src" STDIN)" >"$A/$t.stdin"; fi
  if header_flag "$src" PICOVM-ONLY; then
    want=$(header_value "$src" EXPECT-EXIT)
    if [ -f "${src%.c}.expected" ]; then cp "${src%.c}.expected" "$A/$t.expected"; else : >"$A/$t.expected"; fi
    add_test "$t" only "${want:-0}" "${args[@]}"
  else
    add_test "$t" native - "${args[@]}"
  fi
done
MF_EXTRA=()
cp "$(readlink -f /bin/busybox)" "$A/bin/busybox"
add_test busybox native - sh -c 'echo "busybox on SVM: $((6 * 7))"; exit 3'
# A statically linked Go program from Debian: its runtime reserves hundreds of
# MB and asks for arenas at 0xc000000000 before anything else.  It passes once
# it is past that: formatting its script, or stopping where threads start
# ("newosproc", until picovm has threads), but never "failed to reserve".
if [ -x /usr/bin/shfmt ]; then
  cp /usr/bin/shfmt "$A/bin/go-shfmt"
  printf 'if [ 1 ]; then\n\techo   hi\nfi\n' >"$A/ro/go.sh"
  echo 'newosproc|^if \[ 1 \]; then$' >"$A/go-shfmt.expected"
  add_test go-shfmt reaches - "$T_RO/go.sh"
else
  t_fail "svm:go-shfmt" "/usr/bin/shfmt is missing (scripts/deps.sh installs shfmt)"
fi

# pair_step NAME ARGV...: one more step of pair test NAME (format in
# svm-check.sh), argv[0] a path in the emulated host, PAIR_IN / PAIR_OUT its
# redirections (/dev/null / none: empty), MF_ENV its environment (words without
# blanks: the emulated host splits them), MF_MOUNTS its mounts.  Fails for an
# argument of several lines, which an N.args file cannot hold.
pair_step() {
  local d=$A/pairs/$1 n a
  shift
  for a in "$@"; do [[ $a != *$'\n'* ]] || return 1; done
  [ -d "$d" ] || mkdir -p "$d"
  n=1
  while [ -e "$d/$n.args" ]; do n=$((n + 1)); done
  write_manifest "$d/$n.manifest" "$@"
  printf '%s\n' "$@" >"$d/$n.args"
  if [ "$PAIR_IN" != /dev/null ]; then echo "$PAIR_IN" >"$d/$n.in"; fi
  if [ -n "$PAIR_OUT" ]; then echo "$PAIR_OUT" >"$d/$n.out"; fi
  echo "${MF_ENV[*]}" >"$d/env"
}

if [ "$WHICH" = all ]; then
  # The programs' directory, /app/progs: busybox and its applets as run-shell.sh
  # makes its PATH, bash-static as bash (run-shell.sh) and as bash-static
  # (run-busybox.sh; a hard link, to be a file of that name as on Debian).
  P=$A/progs
  mkdir -p "$P"
  cp "$(readlink -f /bin/busybox)" "$P/busybox"
  for a in $("$P/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$P/$a"; done
  if bash_static=$(readlink -f /bin/bash-static 2>/dev/null) && [ -x "$bash_static" ]; then
    rm -f "$P/bash"
    cp "$bash_static" "$P/bash"
    ln "$P/bash" "$P/bash-static"
  fi
  declare -A PROG=([busybox]=/app/progs/busybox [bash-static]=/app/progs/bash-static)

  # run-busybox.sh's inputs: the fixture and data in one read-only mount (so
  # that `ls -la $T_RO` shows a real ".."), T_RW and T_TMPFS as for the guest
  # tests; the programs' directory first in PATH as /usr/bin is there.
  T_RO=/app/bb/fixture T_DATA=/app/bb/data T_RW=/app/rw T_TMPFS=/app/tmpfs
  make_fixture "$A/bb/fixture"
  case_data "$A/bb/data"
  MF_ENV=(PATH=/app/progs "T_RO=$T_RO" "T_DATA=$T_DATA" "T_RW=$T_RW" "T_TMPFS=$T_TMPFS")
  MF_MOUNTS=(ro:/app/progs ro:/app/bb "rw:$T_RW" "tmpfs:$T_TMPFS")
  bb_case() {
    local name=bb:$CASE_NAME cmd p
    for cmd in "${STEP_CMD[@]}"; do
      p=${cmd%% *}
      if [ -z "${PROG[$p]:-}" ] || [ ! -e "$A${PROG[$p]#/app}" ]; then
        t_fail "svm:$name" "/bin/$p is missing (scripts/deps.sh installs it)"
        return 0
      fi
    done
    for cmd in "${STEP_CMD[@]}"; do
      parse_step "$cmd"
      STEP_ARGV[0]=${PROG[${STEP_ARGV[0]}]}
      PAIR_IN=$STEP_IN PAIR_OUT=$STEP_OUT
      if ! pair_step "$name" "${STEP_ARGV[@]}"; then
        t_fail "svm:$name" "an argument has a newline: svm-check.sh's N.args files hold one a line"
        return 0
      fi
    done
    echo "$name pair -" >>"$A/tests.list"
  }
  each_case "$BB_CASES" bb_case

  # run-shell.sh's: PATH the programs' directory, the scripts read-only.
  mkdir -p "$A/shell"
  MF_ENV=(PATH=/app/progs "T_RW=$T_RW" "T_TMPFS=$T_TMPFS" HOME=/ LC_ALL=C)
  MF_MOUNTS=(ro:/app/progs ro:/app/shell "rw:$T_RW" "tmpfs:$T_TMPFS")
  PAIR_IN=/dev/null PAIR_OUT=
  for s in "$SHELL_DIR"/*.sh; do
    [ -e "$s" ] || continue
    cp "$s" "$A/shell/"
    for sh in sh bash; do
      name=shell:$sh:$(basename "$s" .sh)
      if [ ! -e "$P/$sh" ]; then
        t_fail "svm:$name" "$sh is missing (scripts/deps.sh installs busybox-static, bash-static)"
        continue
      fi
      pair_step "$name" "/app/progs/$sh" "/app/shell/$(basename "$s")"
      echo "$name pair -" >>"$A/tests.list"
    done
  done
fi
# Last: nothing of the runs above is left on the host, and a run whose
# front is killed leaves nothing either (svm-check.sh's appdirs).
MF_EXTRA=()
MF_ENV=(PATH=/app/bin)
MF_MOUNTS=(ro:/app/bin)
write_manifest "$A/appdirs.manifest" /app/bin/busybox sh -c 'echo up >/tmp/up; busybox sleep 30 & busybox sleep 30; wait'
echo "appdirs appdirs -" >>"$A/tests.list"
LIST=$A/tests.list

rc=0
"$ROOT/scripts/svm-host.sh" "$A" sh /app/svm-check.sh "$RUN_TMO" >"$W/results" 2>"$W/log" || rc=$?
if [ "$rc" -eq 126 ]; then
  skip_all "emulated SVM host unavailable, NOT tested: $(tail -n 1 "$W/log")"
  results_summary
  exit
elif [ "$rc" -ne 0 ] && [ "$rc" -ne 125 ]; then
  fail_all "the emulated SVM host failed (status $rc)" "$(tail -n 12 "$W/log")"
  results_summary
  exit
fi
# Every test must have reported: a missing line is a failure, not a pass.  A boot
# that did not finish (125) keeps the results it printed; its console's end goes
# with the first test it did not finish, which is where it stopped.
first=
while read -r t _ _; do
  grep -Eq "^(PASS|FAIL) svm:$t( |$)" "$W/results" && continue
  if [ "$rc" -eq 0 ]; then
    echo "FAIL svm:$t (no result from the emulated host)"
  elif [ -z "$first" ]; then
    first=$t
    echo "FAIL svm:$t (the emulated host stopped here: hung, or over PICOVM_SVM_TIMEOUT=$PICOVM_SVM_TIMEOUT s)"
    grep -av '^svm-host: ' "$W/log" | tail -n 8 | cut -c1-150 | sed 's/^/    /'
  else
    echo "FAIL svm:$t (no result: the emulated host stopped at svm:$first)"
  fi
done <"$A/tests.list" >"$W/missing"
cat "$W/missing" >>"$W/results"
while IFS= read -r line; do
  case $line in
    "PASS "*) t_pass "${line#PASS }" ;;
    "FAIL "*) name=${line#FAIL }; t_fail "${name%% *}" "$(echo "${name#* }" | sed 's/^(//; s/)$//')" ;;
    "    "*) echo "$line" ;;
  esac
done <"$W/results"

results_summary
