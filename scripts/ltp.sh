#!/usr/bin/env bash
# What `make ltp` runs: Linux Test Project system-call scenarios, natively and under
# picovm, checked against tests/ltp/expectations.txt (as Gramine's ltp.cfg).
#   1. source   LTP_SRC, a release tarball or a source directory (default
#               ../shared/ltp/ltp-20250130.tar.xz beside the checkout); without one,
#               says how to get it and ends with a SKIP line, status 0
#   2. build    LTP's library and the directories of tests/ltp/dirs.txt, static, into
#               build/ltp (kept: a second run rebuilds nothing)
#   3. select   the scenarios of runtest/syscalls whose program was built, less the
#               dangerous or long ones (DANGEROUS below)
#   4. native   each scenario on this host (the reference: one that fails here is SKIPPED)
#   5. picovm   each scenario under picovm, a manifest per scenario: here when /dev/kvm
#               is usable, else all in one boot of the emulated SVM host (svm-host.sh)
#   6. verdict  one line per scenario, PASS / FAIL / SKIP / XFAIL (expected failure,
#               counted as skipped) / FLAKY (an expected pass that failed, then passed
#               when run again: counted as skipped, named in a warning), then
#               "N passed, M failed, K skipped"; exits non-zero when a scenario fails
#               that the expectations file does not list
# A scenario passes when its exit status is 0.  Old-API and new-API LTP tests both
# exit with a bitmask: 1 TFAIL, 2 TBROK, 4 TWARN, 32 TCONF (only TCONF: skipped).
# env: LTP_SRC, LTP_DIRS (directories instead of tests/ltp/dirs.txt),
#      LTP_SCENARIOS (scenario names, space-separated: only those),
#      LTP_TIMEOUT (seconds per scenario natively, default 60; under picovm on the
#      emulated host, LTP_SVM_TIMEOUT, default 120), LTP_JOBS (build, default nproc),
#      LTP_SVM_BOOT_TIMEOUT (seconds for the emulated host's whole boot, default 5400),
#      LTP_SKIP_PICOVM=1 (build and native run only), PICOVM (default build/picovm).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/kvm.sh
. scripts/lib/kvm.sh
# shellcheck source=scripts/lib/manifest.sh
. scripts/lib/manifest.sh
# shellcheck source=scripts/lib/ltp.sh
. scripts/lib/ltp.sh

LTP_VERSION=20250130
LTP_URL=https://github.com/linux-test-project/ltp/releases/download/$LTP_VERSION/ltp-full-$LTP_VERSION.tar.xz
DEFAULT_SRC=$ROOT/../shared/ltp/ltp-$LTP_VERSION.tar.xz
B=$ROOT/build/ltp
PICOVM_SET=${PICOVM:+1}
PICOVM=${PICOVM:-$ROOT/build/picovm}
START=$SECONDS
stage() { echo "== ltp: $1 ($((SECONDS - START)) s)"; }

# 1. Source.
SRC=${LTP_SRC:-}
if [ -z "$SRC" ] && [ -e "$DEFAULT_SRC" ]; then SRC=$DEFAULT_SRC; fi
if [ -z "$SRC" ] || [ ! -e "$SRC" ]; then
  echo "SKIP ltp (no LTP source${SRC:+: $SRC does not exist})"
  echo "WARNING: LTP NOT run.  Get LTP $LTP_VERSION and point LTP_SRC at it:"
  echo "    curl -LO $LTP_URL"
  echo "    make ltp LTP_SRC=\$PWD/ltp-full-$LTP_VERSION.tar.xz   (or a source directory)"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi
SRC=$(readlink -f "$SRC")

stage deps
scripts/deps.sh --ltp

stage "build ($SRC)"
read -r -a DIRS <<<"${LTP_DIRS:-$(sed 's/#.*//' tests/ltp/dirs.txt | tr '\n' ' ')}"
ltp_build "$SRC" "$B" "${LTP_JOBS:-$(nproc)}" "${DIRS[@]}"

stage select
ltp_select "$B" "${DIRS[@]}" >"$B/scenarios.txt"
if [ -n "${LTP_SCENARIOS:-}" ]; then
  awk 'NR == FNR { for (i = 1; i <= NF; i++) want[$i] = 1; next } $1 in want' \
    <(echo "$LTP_SCENARIOS") "$B/scenarios.txt" >"$B/scenarios.sel"
  mv "$B/scenarios.sel" "$B/scenarios.txt"
fi
echo "ltp: $(wc -l <"$B/scenarios.txt") scenarios from ${#DIRS[@]} directories"

stage native
ltp_run_native "$B" "${LTP_TIMEOUT:-60}"

if [ -n "${LTP_SKIP_PICOVM:-}" ]; then
  stage "picovm: SKIPPED (LTP_SKIP_PICOVM)"
  ltp_verdict "$B" skip "LTP_SKIP_PICOVM is set"
  exit
fi
stage picovm
kvm_check >/dev/null
if [ -z "${PICOVM_SET:-}" ]; then
  make -j"$(nproc)" build/picovm >"$B/picovm-make.log" 2>&1 ||
    { tail -n 12 "$B/picovm-make.log"; echo "ltp: building picovm failed" >&2; exit 1; }
fi
if [ "$PICOVM_KVM_OK" = 1 ]; then
  ltp_run_picovm_here "$B" "$PICOVM" "${LTP_TIMEOUT:-60}"
else
  echo "ltp: $PICOVM_KVM_WHY: picovm runs on the emulated SVM host (scripts/svm-host.sh)"
  ltp_run_picovm_svm "$B" "$PICOVM" "${LTP_SVM_TIMEOUT:-120}"
fi
stage verdict
ltp_verdict "$B" run tests/ltp/expectations.txt
