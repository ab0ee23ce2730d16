#!/bin/sh
# Runs every scenario of R/scenarios.txt under picovm (scripts/lib/ltp.sh's ltp_layout
# makes R): busybox sh, so that it runs in the emulated SVM host (R = /app) as well as
# here (R = build/ltp/app).  Each scenario starts with an empty R/tmp (its TMPDIR) and
# is killed after SECONDS.  Prints for each, to stdout:
#   LTP-RESULT NAME STATUS SECONDS
#   LTP-LOG NAME LINE       (at most 6 lines: its first TFAIL/TBROK/TCONF and picovm's errors)
# and keeps its whole output in R/out/NAME.log.  A scenario of R/retry.txt (those
# expected to pass) that fails, other than by a timeout, runs once more:
#   LTP-RETRY NAME STATUS   (the second run's status; the verdict calls a pass FLAKY)
# usage: run-picovm.sh R PICOVM SECONDS
R=$1 PICOVM=$2 TMO=$3
cd "$R" || exit 1
mkdir -p "$R/out"
# run NAME LOG: one run in a fresh TMPDIR; its status.
run() {
  rm -rf "$R/tmp"
  mkdir -p "$R/tmp"
  chmod 1777 "$R/tmp"
  (cd / && exec timeout -k 5 "$TMO" "$PICOVM" run "$R/m/$1.manifest") </dev/null >"$2" 2>&1
}
while read -r name; do
  t0=$(date +%s)
  run "$name" "$R/out/$name.log"
  st=$?
  echo "LTP-RESULT $name $st $(($(date +%s) - t0))"
  grep -a -E 'TFAIL|TBROK|TCONF|error|killed|Main test process' "$R/out/$name.log" | head -n 6 | cut -c1-200 |
    sed "s/^/LTP-LOG $name /"
  case $st in 0 | 32 | 124 | 137) continue ;; esac
  if grep -qx "$name" "$R/retry.txt" 2>/dev/null; then
    run "$name" "$R/out/$name.retry.log"
    echo "LTP-RETRY $name $?"
  fi
done <"$R/scenarios.txt"
