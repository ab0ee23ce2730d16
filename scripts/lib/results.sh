# Test results shared by every runner: one line per test on stdout
#   PASS name | FAIL name (why) + a few indented detail lines | SKIP name (reason)
# and a tally file, so that runners called by scripts/run-tests.sh add to its single
# summary line instead of printing their own.
# Source it; call results_init first and results_summary last.

results_init() {
  RESULTS_OWNER=0
  if [ -z "${PICOVM_RESULTS:-}" ]; then
    PICOVM_RESULTS=$(mktemp "${TMPDIR:-/tmp}/picovm-results.XXXXXX")
    export PICOVM_RESULTS
    RESULTS_OWNER=1
  fi
}

t_pass() { echo "PASS $1"; echo PASS >>"$PICOVM_RESULTS"; }
t_skip() { echo "SKIP $1 ($2)"; echo SKIP >>"$PICOVM_RESULTS"; }
# t_fail NAME WHY [DETAIL]: DETAIL (a diff, an error log) is shown cut to 12 lines.
t_fail() {
  echo "FAIL $1 ($2)"
  if [ -n "${3:-}" ]; then
    printf '%s\n' "$3" | head -n 12 | cut -c1-160 | sed 's/^/    /'
  fi
  echo FAIL >>"$PICOVM_RESULTS"
}

results_count() { grep -c -x "$1" "$PICOVM_RESULTS" || true; }

# The owner of the tally prints "N passed, M failed[, K skipped]" and returns 1
# if anything failed; a nested runner prints nothing and returns 0 (its failures
# are in the tally; a non-zero status from it means it broke off).
results_summary() {
  [ "$RESULTS_OWNER" = 1 ] || return 0
  local p f s
  p=$(results_count PASS); f=$(results_count FAIL); s=$(results_count SKIP)
  rm -f "$PICOVM_RESULTS"
  if [ "$s" -gt 0 ]; then
    echo "WARNING: $s test(s) SKIPPED, not passed: see the SKIP lines above"
    echo "$p passed, $f failed, $s skipped"
  else
    echo "$p passed, $f failed"
  fi
  [ "$f" -eq 0 ]
}
