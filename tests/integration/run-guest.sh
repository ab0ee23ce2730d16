#!/usr/bin/env bash
# Guest programs: each tests/guest/NAME.c, built by make twice, with musl as
# build/tests/NAME (test NAME) and with glibc as build/tests-glibc/NAME (test
# glibc:NAME), runs natively and under picovm with the same argv, environment and
# stdin, and the two must print the same and exit the same; PICOVM-ONLY programs
# run under picovm alone against tests/guest/NAME.expected.  Header conventions
# (MUSL-ONLY skips the glibc build): scripts/lib/headers.sh.
# Each run sees (also as environment variables):
#   T_RO     a read-only mount of the fixture (tests/guest/make-fixture.sh)
#   T_RW     an empty writable host mount, fresh for every run; for PICOVM-ONLY
#            (hostile) programs it holds escape-link -> /etc/passwd,
#            escape-rel -> ../../../../../../etc/passwd and escape-dir -> /etc
#   T_TMPFS  a tmpfs mount under picovm, an empty directory natively
# env: PICOVM (default build/picovm), PICOVM_TEST_TIMEOUT (s per run, default 60),
#      PICOVM_KEEP_TMP=1 keeps the work directory (outputs, manifests) for a look,
#      GUEST_ONLY="t_a t_b" runs only those programs (both libcs).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/pairs.sh
. "$ROOT/scripts/lib/pairs.sh"
runner_start guest
T_RO=$W/fixture/ro T_RW=$W/rw T_TMPFS=$W/tmpfs
make_fixture "$T_RO"
G_ENV=(PATH=/usr/bin:/bin "T_RO=$T_RO" "T_RW=$T_RW" "T_TMPFS=$T_TMPFS")
MF_MOUNTS=("ro:$ROOT/build/tests" "ro:$ROOT/build/tests-glibc" "ro:$T_RO" "rw:$T_RW" "tmpfs:$T_TMPFS")

# guest_test NAME SRC BIN: program SRC as built into BIN (one libc), as test NAME.
guest_test() {
  local name=$1 src=$2 bin=$3 args stdin nd pd want expected got
  if [ "$PICOVM_KVM_OK" != 1 ]; then t_skip "$name" "$PICOVM_KVM_WHY"; return; fi
  if [ ! -x "$bin" ]; then t_fail "$name" "not built: $bin"; return; fi
  args=()
  eval "args=($(header_value "$src" ARGS))"
  mapfile -t MF_EXTRA < <(header_values "$src" MANIFEST)
  stdin=/dev/null
  if header_flag "$src" STDIN:; then
    stdin=$W/stdin
    printf '%b\n' "$(header_value "$src" STDIN)" >"$stdin"
  fi
  nd=$W/out/$name/native pd=$W/out/$name/picovm
  rm -rf "$W/out/$name"

  if header_flag "$src" PICOVM-ONLY; then
    fresh_dirs
    escape_links "$T_RW"
    run_step picovm "$pd" "$stdin" "" "$bin" "${args[@]}"
    want=$(header_value "$src" EXPECT-EXIT); want=${want:-0}
    expected=${src%.c}.expected
    [ -f "$expected" ] || expected=/dev/null
    got=$(status_words "$pd")
    if [ ! -x "$PICOVM" ]; then
      t_fail "$name" "no picovm binary at $PICOVM"
    elif [ "$got" != "$want" ]; then
      t_fail "$name" "exit status $got, expected $want$(timeout_note "$got")" "$(cat "$pd/stderr" "$pd/stdout" | head -n 12)"
    elif ! cmp -s "$expected" "$pd/stdout"; then
      t_fail "$name" "stdout differs from ${expected#"$ROOT"/}" "$(show_diff "$expected" "$pd/stdout")"
    else
      t_pass "$name"
    fi
    return
  fi

  fresh_dirs
  run_step native "$nd" "$stdin" "" "$bin" "${args[@]}"
  fresh_dirs
  run_step picovm "$pd" "$stdin" "" "$bin" "${args[@]}"
  if is_crash_status "$(status_words "$nd")"; then
    compare_pair "$name" "$nd" "$pd" crash
  else
    compare_pair "$name" "$nd" "$pd"
  fi
}

for src in "$ROOT"/tests/guest/*.c; do
  [ -e "$src" ] || continue
  prog=$(basename "$src" .c)
  [ -z "${GUEST_ONLY:-}" ] || [[ " $GUEST_ONLY " == *" $prog "* ]] || continue
  guest_test "$prog" "$src" "$ROOT/build/tests/$prog"
  if header_flag "$src" MUSL-ONLY:; then
    t_skip "glibc:$prog" "MUSL-ONLY: $(header_value "$src" MUSL-ONLY)"
  else
    guest_test "glibc:$prog" "$src" "$ROOT/build/tests-glibc/$prog"
  fi
done

results_summary
