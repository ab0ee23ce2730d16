#!/usr/bin/env bash
# Host-side unit tests and fuzz smoke runs (what `make unit` runs; scripts/run-tests.sh
# calls it too).
#   tests/unit/test_NAME.c  a main() that exits 0 on success; its line
#                           // UNIT-SOURCES: monitor/a.c guest/b.c
#                           names the sources (from the repository root) it links with.
#                           Built with ASan+UBSan, run once from the repository
#                           root: one test.
#   tests/fuzz/fuzz_NAME.c  a libFuzzer target (LLVMFuzzerTestOneInput), line
#                           // FUZZ-SOURCES: ...  likewise.  Built with clang
#                           -fsanitize=fuzzer,address,undefined and run FUZZ_SECONDS
#                           (default 20; 0 skips) seeded by tests/fuzz/corpus_NAME/ if it
#                           exists (read only: new inputs go to a temporary directory).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/results.sh
. "$ROOT/scripts/lib/results.sh"
# shellcheck source=scripts/lib/headers.sh
. "$ROOT/scripts/lib/headers.sh"
results_init
cd "$ROOT"
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
# A test compiles with the include paths of the room its sources come from
# (the Makefile's), so it sees what that room sees and nothing more.
MON_INC=(-Imonitor -Iinclude/abi)
LIBOS_INC=(-Ilibos -Iguest -Iinclude/pal)
CFLAGS=(-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -g)
# includes_for SOURCES...: the include paths of the room of the first source.
includes_for() {
  case $1 in
    libos/*) echo "${LIBOS_INC[@]}" ;;
    *) echo "${MON_INC[@]}" ;;
  esac
}
B=$ROOT/build
mkdir -p "$B/unit" "$B/fuzz"

# sources_of FILE KEY: the listed sources, one per line; fails naming a missing one.
sources_of() {
  local s
  for s in $(header_value "$1" "$2"); do
    [ -f "$s" ] || { echo "$s"; return 1; }
  done
  header_value "$1" "$2" | tr ' ' '\n' | sed '/^$/d'
}

for t in tests/unit/test_*.c; do
  [ -e "$t" ] || continue
  name=unit:$(basename "$t" .c)
  exe=$B/unit/$(basename "$t" .c)
  if ! srcs=$(sources_of "$t" UNIT-SOURCES); then
    t_fail "$name" "UNIT-SOURCES names a missing file: $srcs"; continue
  fi
  # shellcheck disable=SC2086 # one source per word
  if ! log=$(gcc "${CFLAGS[@]}" $(includes_for $srcs) -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
      -fno-sanitize-recover=all -o "$exe" "$t" $srcs 2>&1); then
    t_fail "$name" "does not compile" "$log"; continue
  fi
  if log=$(timeout -k 5 120 "$exe" </dev/null 2>&1); then
    t_pass "$name"
  else
    t_fail "$name" "exit status $?" "$(printf '%s\n' "$log" | tail -n 12)"
  fi
done

for f in tests/fuzz/fuzz_*.c; do
  [ -e "$f" ] || continue
  base=$(basename "$f" .c)
  name=fuzz:${base#fuzz_}
  exe=$B/fuzz/$base
  if [ "$FUZZ_SECONDS" = 0 ]; then t_skip "$name" "FUZZ_SECONDS=0"; continue; fi
  if ! srcs=$(sources_of "$f" FUZZ-SOURCES); then
    t_fail "$name" "FUZZ-SOURCES names a missing file: $srcs"; continue
  fi
  # shellcheck disable=SC2086
  if ! log=$(clang "${CFLAGS[@]}" $(includes_for $srcs) -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
      -o "$exe" "$f" $srcs 2>&1); then
    t_fail "$name" "does not compile" "$log"; continue
  fi
  corpus=$(mktemp -d "${TMPDIR:-/tmp}/picovm-corpus.XXXXXX")
  seeds=()
  [ -d "tests/fuzz/corpus_${base#fuzz_}" ] && seeds=("tests/fuzz/corpus_${base#fuzz_}")
  if log=$(cd "$B/fuzz" && timeout -k 10 $((FUZZ_SECONDS + 60)) "$exe" -max_total_time="$FUZZ_SECONDS" \
      -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$B/fuzz/$base-" "$corpus" "${seeds[@]/#/$ROOT/}" 2>&1); then
    t_pass "$name"
  else
    t_fail "$name" "crashed or hung; reproducer in build/fuzz/$base-*" "$(printf '%s\n' "$log" | grep -v '^#' | tail -n 12)"
  fi
  rm -rf "$corpus"
done

results_summary
