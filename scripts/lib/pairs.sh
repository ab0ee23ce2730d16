# What a native-vs-picovm runner needs (run-guest.sh, run-busybox.sh,
# run-shell.sh): the runner start, manifests, fixtures, test headers and the
# run/compare pair.  Sourced after ROOT is set.
# shellcheck source=scripts/lib/runner.sh
. "$ROOT/scripts/lib/runner.sh"
# shellcheck source=scripts/lib/manifest.sh
. "$ROOT/scripts/lib/manifest.sh"
# shellcheck source=scripts/lib/fixture.sh
. "$ROOT/scripts/lib/fixture.sh"
# shellcheck source=scripts/lib/headers.sh
. "$ROOT/scripts/lib/headers.sh"
# shellcheck source=scripts/lib/pair.sh
. "$ROOT/scripts/lib/pair.sh"
