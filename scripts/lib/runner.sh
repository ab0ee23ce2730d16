# The start every integration runner shares; sourcing this also sources
# results.sh and kvm.sh, which runner_start uses.  Needs ROOT.
# shellcheck source=scripts/lib/results.sh
. "$ROOT/scripts/lib/results.sh"
# shellcheck source=scripts/lib/kvm.sh
. "$ROOT/scripts/lib/kvm.sh"

# runner_start NAME: sets PICOVM (default build/picovm), starts the results
# tally, probes /dev/kvm, turns core dumps off (some test programs crash on
# purpose; the soft limit only, for tests that raise it, and root may lack
# CAP_SYS_RESOURCE) and makes the work directory W ($TMPDIR/picovm-NAME.XXXXXX,
# open to every user: tests drop to nobody under it), removed at exit unless
# PICOVM_KEEP_TMP is set, for a look at outputs and manifests.
runner_start() {
  PICOVM=${PICOVM:-$ROOT/build/picovm}
  results_init
  kvm_check
  ulimit -S -c 0
  W=$(mktemp -d "${TMPDIR:-/tmp}/picovm-$1.XXXXXX")
  chmod 755 "$W"
  trap 'if [ -n "${PICOVM_KEEP_TMP:-}" ]; then echo "kept $W" >&2; else rm -rf "$W"; fi' EXIT
}
