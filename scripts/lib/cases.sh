# The cases of tests/integration/busybox-cases.txt (format there), read the same
# way by run-busybox.sh (on a KVM host) and svm-core.sh (on the emulated SVM
# host), so that both run the same steps.

# each_case FILE FUNC: calls FUNC once per case of FILE, with CASE_NAME its name
# and STEP_CMD (array) its steps' command lines, in order.  A name whose lines
# are not consecutive is refused: each run of lines would silently be its own
# case, and the second would overwrite the first's results.
each_case() {
  local file=$1 func=$2 line name seen=' '
  CASE_NAME='' STEP_CMD=()
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in '' | '#'*) continue ;; esac
    name=${line%%|*}
    if [ "$name" != "$CASE_NAME" ]; then
      if [ -n "$CASE_NAME" ]; then "$func"; fi
      case $seen in *" $name "*)
        echo "each_case: $file: the lines of case $name are not consecutive" >&2
        return 1
        ;;
      esac
      seen="$seen$name "
      CASE_NAME=$name STEP_CMD=()
    fi
    STEP_CMD+=("${line#*|}")
  done <"$file"
  if [ -n "$CASE_NAME" ]; then "$func"; fi
  CASE_NAME='' STEP_CMD=()
}

# parse_step CMD: one step's command line split into STEP_ARGV (its shell words,
# with the caller's $T_RO, $T_DATA, $T_RW, $T_TMPFS expanded; STEP_ARGV[0] is
# still the program's name), STEP_IN (stdin, /dev/null if not redirected) and
# STEP_OUT (the file stdout goes to, empty if not redirected).  Trailing
# "< FILE" / "> FILE" are the host's redirections, as a user's shell would make
# them around `picovm run`.
parse_step() {
  local cmd=$1
  # shellcheck disable=SC2034 # results, for the caller
  STEP_IN=/dev/null STEP_OUT=''
  while [[ $cmd =~ ^(.*[^[:space:]])[[:space:]]+([<>])[[:space:]]*([^[:space:]<>]+)[[:space:]]*$ ]]; do
    cmd=${BASH_REMATCH[1]}
    if [ "${BASH_REMATCH[2]}" = '<' ]; then
      eval "STEP_IN=${BASH_REMATCH[3]}"
    else
      eval "STEP_OUT=${BASH_REMATCH[3]}"
    fi
  done
  eval "STEP_ARGV=($cmd)"
}

# case_data DIR: the small text inputs the cases read as $T_DATA.
case_data() {
  mkdir -p "$1"
  printf '%s\n' pear apple fig fig banana apple fig cherry >"$1/words.txt"
  printf '%s\n' root:0:/bin/sh daemon:1:/usr/sbin/nologin bin:2:/usr/sbin/nologin \
    sys:3:/bin/sh games:5:/bin/sync >"$1/table.txt"
  # A shell script for shfmt (a Go program) to format.
  printf '%s\n' 'if [ "$1" ];then' '  echo   "a"|tr a b' 'fi' 'f() {' 'for x in 1 2 3;do echo $x;done' '}' \
    'case $1 in a) echo one;; *) echo other;;esac' >"$1/messy.sh"
}
