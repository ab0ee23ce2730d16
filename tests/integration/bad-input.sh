#!/usr/bin/env bash
# picovm given bad input must refuse it cleanly: a non-zero status below 128 (no
# crash), and a message on stderr that names the culprit.
# (Hostile guests, t_escape and hostile_pal, are PICOVM-ONLY programs run by
# run-guest.sh.)  env: PICOVM (default build/picovm), PICOVM_KEEP_TMP=1 keeps the
# work directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=scripts/lib/runner.sh
. "$ROOT/scripts/lib/runner.sh"
# shellcheck source=scripts/lib/manifest.sh
. "$ROOT/scripts/lib/manifest.sh"
runner_start bad
PROG=$(readlink -f /bin/busybox)

# refuse NAME WANT_STATUS PATTERN MANIFEST: runs `picovm run MANIFEST` and
# expects status WANT_STATUS ("nonzero": any of 1..127) and stderr matching
# the extended regular expression PATTERN.
refuse() {
  local name=bad:$1 want=$2 pat=$3 mf=$4 rc=0
  if [ ! -x "$PICOVM" ]; then t_fail "$name" "no picovm binary at $PICOVM"; return; fi
  { timeout -k 5 60 "$PICOVM" run "$mf" </dev/null >"$W/out" 2>"$W/err" || rc=$?; } 2>/dev/null
  if [ "$want" = nonzero ] && { [ "$rc" -eq 0 ] || [ "$rc" -ge 128 ]; }; then
    t_fail "$name" "status $rc, expected a clean failure (1..127)" "$(head -n 5 "$W/err")"
  elif [ "$want" != nonzero ] && [ "$rc" != "$want" ]; then
    t_fail "$name" "status $rc, expected $want" "$(head -n 5 "$W/err")"
  elif ! grep -Eq -- "$pat" "$W/err"; then
    t_fail "$name" "stderr does not match /$pat/" "$(head -n 5 "$W/err")"
  else
    t_pass "$name"
  fi
}

# Parse errors come before any VM: these need no /dev/kvm.
printf 'libos.entrypoint = "x\nloader.argv = ["x"]\n' >"$W/unterminated.manifest"
refuse unterminated-string 2 "$W/unterminated.manifest:1:[0-9]+" "$W/unterminated.manifest"
printf 'libos.entrypoint = "%s"\nloader.argv = ["%s"\n' "$PROG" "$PROG" >"$W/open-array.manifest"
refuse unclosed-array 2 "$W/open-array.manifest:[0-9]+:[0-9]+" "$W/open-array.manifest"
refuse no-manifest nonzero "$W/does-not-exist.manifest" "$W/does-not-exist.manifest"

if [ "$PICOVM_KVM_OK" != 1 ]; then
  for n in missing-entrypoint missing-mount-source; do t_skip "bad:$n" "$PICOVM_KVM_WHY"; done
else
  G=$W/guest
  mkdir -p "$G"
  MF_ENV=(PATH=/usr/bin:/bin)
  MF_MOUNTS=("ro:$G")
  write_manifest "$W/no-entry.manifest" "$G/no-such-program"
  refuse missing-entrypoint nonzero "$G/no-such-program" "$W/no-entry.manifest"
  MF_MOUNTS=("ro:$(dirname "$PROG")" "ro:$W/no-such-dir")
  write_manifest "$W/no-mount.manifest" "$PROG" true
  refuse missing-mount-source nonzero "$W/no-such-dir" "$W/no-mount.manifest"
fi

results_summary
