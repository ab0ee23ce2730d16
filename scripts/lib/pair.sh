# Runs a program natively and under picovm the same way (argv[0] an absolute path,
# the environment exactly G_ENV, cwd /, stdin a file) and compares the two.
# Needs ROOT, PICOVM, G_ENV (NAME=VALUE array), MF_MOUNTS (see manifest.sh), and
# results.sh / manifest.sh sourced.  PICOVM_TEST_TIMEOUT bounds each run (s).

# run_step MODE OUTDIR STDIN REDIRECT ARGV...
# One run (MODE native or picovm).  Its stdout is appended to OUTDIR/stdout, or
# written to REDIRECT if that is not empty (the host does the redirection, as a
# user's shell would); stderr is appended to OUTDIR/stderr, the exit status (as
# a shell sees it: 128+N for signal N) to OUTDIR/status.  Several steps in one
# OUTDIR make one multi-step case.
run_step() {
  local mode=$1 out=$2 in=$3 redir=$4 n rc=0
  shift 4
  mkdir -p "$out"
  touch "$out/stdout" "$out/stderr" "$out/status"
  n=$(($(wc -l <"$out/status") + 1))
  local so=${redir:-$out/step$n.out} se=$out/step$n.err tmo=${PICOVM_TEST_TIMEOUT:-60}
  # The braces send bash's own "Segmentation fault" notices to /dev/null: a crash
  # is reported by the status, not by noise in the log.
  if [ "$mode" = native ]; then
    { (cd / && exec timeout -k 5 "$tmo" env -i "${G_ENV[@]}" "$@") <"$in" >"$so" 2>"$se" || rc=$?; } 2>/dev/null
  else
    MF_ENV=("${G_ENV[@]}")
    write_manifest "$out/step$n.manifest" "$@"
    { (cd / && exec timeout -k 5 "$tmo" "$PICOVM" run "$out/step$n.manifest") <"$in" >"$so" 2>"$se" || rc=$?; } 2>/dev/null
  fi
  [ -n "$redir" ] || cat "$so" >>"$out/stdout"
  cat "$se" >>"$out/stderr"
  echo "$rc" >>"$out/status"
}

# show_diff A B: the start of a diff of two outputs, binary bytes made visible.
show_diff() {
  diff -a -u --label native --label picovm "$1" "$2" | tail -n +3 | head -n 40 | cat -v
}

# status_words DIR: the statuses of its steps on one line.
status_words() { tr '\n' ' ' <"$1/status" | sed 's/ $//'; }

# compare_pair NAME NATIVE_DIR PICOVM_DIR [crash]
# PASS iff statuses, stdout and stderr are equal.  With "crash" (the native run
# died of a signal) stderr is not compared: picovm must instead report the
# signal's name and the faulting rip there.
compare_pair() {
  local name=$1 nd=$2 pd=$3 mode=${4:-} ns ps
  ns=$(status_words "$nd"); ps=$(status_words "$pd")
  if [ ! -x "$PICOVM" ]; then
    t_fail "$name" "no picovm binary at $PICOVM"
  elif [ "$ns" != "$ps" ]; then
    t_fail "$name" "exit status: native $ns, picovm $ps$(timeout_note "$ps")" \
      "$(head -n 4 "$pd/stderr"; show_diff "$nd/stdout" "$pd/stdout")"
  elif ! cmp -s "$nd/stdout" "$pd/stdout"; then
    t_fail "$name" "stdout differs" "$(show_diff "$nd/stdout" "$pd/stdout")"
  elif [ "$mode" = crash ]; then
    local sig
    sig=$(kill -l "$((${ns##* } - 128))")
    if grep -q "$sig" "$pd/stderr" && grep -qi 'rip' "$pd/stderr"; then
      t_pass "$name"
    else
      t_fail "$name" "picovm's stderr does not name SIG$sig and rip" "$(head -n 12 "$pd/stderr")"
    fi
  elif ! cmp -s "$nd/stderr" "$pd/stderr"; then
    t_fail "$name" "stderr differs" "$(show_diff "$nd/stderr" "$pd/stderr")"
  else
    t_pass "$name"
  fi
}

timeout_note() {
  case " $1 " in *" 124 "* | *" 137 "*) echo " (124/137: timed out after ${PICOVM_TEST_TIMEOUT:-60} s?)" ;; esac
}

# is_crash_status N: N is 128 + a signal that kills and that picovm reports (a
# program's own exit(N) above 128 is taken for a crash too; no test does that).
# SIGHUP, SIGINT, SIGKILL, SIGPIPE and SIGTERM end a program silently, as in a
# shell: their stderr is compared as any other.
is_crash_status() {
  [ "$1" -gt 128 ] && [ "$1" -le 159 ] && case $1 in 129 | 130 | 137 | 141 | 143) false ;; *) true ;; esac
}
