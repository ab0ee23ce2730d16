#!/bin/sh
# Runs inside the emulated SVM host (busybox sh; see svm-core.sh, which lays out
# /app): each test of /app/tests.list, a line "NAME native -" or "NAME only EXIT",
# runs under picovm and, for "native", natively too, the same way run-guest.sh
# does on the real host; prints PASS/FAIL lines for svm-core.sh to count.
#   /app/bin/NAME  program     /app/NAME.manifest  its manifest   /app/env.list  its environment
#   /app/NAME.args  argv[1..], one a line     /app/NAME.stdin  its stdin (else /dev/null)
#   /app/NAME.expected  stdout of an "only" test    /app/rw-hostile  its starting rw
# The line "appdirs appdirs -" comes last (see appdirs below).
# A line "NAME pair -" is a case of run-busybox.sh or a script of run-shell.sh,
# run natively and under picovm and compared as compare_pair (scripts/lib/pair.sh)
# does: every step's status, all stdout, all stderr.  Its directory /app/pairs/NAME:
#   env  its environment (NAME=VALUE words on one line)
#   N.args  step N's argv (argv[0] its program's path), one a line   N.manifest
#   N.in  the path of step N's stdin (else /dev/null)
#   N.out  the path step N's stdout is redirected to (else it is compared)
# /app/rw and /app/tmpfs start empty for each run of a case (all its steps).
# usage: svm-check.sh [SECONDS]: each run is killed after SECONDS (default 120),
# so that one hung test costs its own result, not the whole boot's.
cd /app || exit 1
[ -c /dev/kvm ] || { echo "FAIL svm:kvm (no /dev/kvm in the emulated host)"; exit 0; }
TMO=${1:-120}
ENV=$(cat /app/env.list)
mkdir -p /app/out

# What an ordinary host has and busybox's init does not make: the /dev links
# (t_vfs compares them natively against picovm's), /dev/shm (shm_open's
# directory, for t_shmem's native run), and files outside every mount for the
# escape tests (t_escape, hostile_pal) to fail to reach.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
[ -e /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
[ -d /dev/shm ] || { mkdir -p /dev/shm && mount -t tmpfs -o mode=1777 shm /dev/shm; }
mkdir -p /etc
[ -e /etc/passwd ] || echo 'root:x:0:0:root:/root:/bin/sh' >/etc/passwd
[ -e /etc/hostname ] || echo svm-host >/etc/hostname

# fresh KIND: empty rw and tmpfs; for a hostile ("only") test, rw starts as a
# copy of /app/rw-hostile (the escape links).
fresh() {
  rm -rf /app/rw /app/tmpfs
  mkdir -p /app/tmpfs
  if [ "$1" = only ]; then cp -a /app/rw-hostile /app/rw; else mkdir -p /app/rw; fi
}

# run MODE NAME KIND: native or picovm run into /app/out/NAME.MODE.{out,err,st}
run() {
  rmode=$1 rname=$2 rkind=$3 o=/app/out/$2.$1 rin=/dev/null
  set --
  while IFS= read -r a; do set -- "$@" "$a"; done <"/app/$rname.args"
  [ ! -f "/app/$rname.stdin" ] || rin=/app/$rname.stdin
  fresh "$rkind"
  if [ "$rmode" = native ]; then
    # shellcheck disable=SC2086 # ENV is NAME=VALUE words
    (cd / && exec timeout -k 5 "$TMO" env -i $ENV "/app/bin/$rname" "$@") <"$rin" >"$o.out" 2>"$o.err"
  else
    (cd / && exec timeout -k 5 "$TMO" /app/picovm run "/app/$rname.manifest") <"$rin" >"$o.out" 2>"$o.err"
  fi
  echo $? >"$o.st"
}

# runpair MODE NAME: every step of pair test NAME, natively or under picovm, into
# /app/out/NAME.MODE.{out,err,st} (st: one status a line).
runpair() {
  pmode=$1 pd=/app/pairs/$2 o=/app/out/$2.$1 i=1
  penv=$(cat "$pd/env")
  : >"$o.out"
  : >"$o.err"
  : >"$o.st"
  fresh pair
  while [ -f "$pd/$i.args" ]; do
    set --
    while IFS= read -r a; do set -- "$@" "$a"; done <"$pd/$i.args"
    rin=/dev/null rout=$o.step
    [ ! -f "$pd/$i.in" ] || rin=$(cat "$pd/$i.in")
    [ ! -f "$pd/$i.out" ] || rout=$(cat "$pd/$i.out")
    if [ "$pmode" = native ]; then
      # shellcheck disable=SC2086 # penv is NAME=VALUE words
      (cd / && exec timeout -k 5 "$TMO" env -i $penv "$@") <"$rin" >"$rout" 2>"$o.step.err"
    else
      (cd / && exec timeout -k 5 "$TMO" /app/picovm run "$pd/$i.manifest") <"$rin" >"$rout" 2>"$o.step.err"
    fi
    echo $? >>"$o.st"
    [ -f "$pd/$i.out" ] || cat "$rout" >>"$o.out"
    cat "$o.step.err" >>"$o.err"
    i=$((i + 1))
  done
}

# busybox's timeout leaves the status of the signal it sent: TERM, or KILL.
# $1: one status, or the statuses of a pair test's steps.
tmo_note() { case " $1 " in *" 143 "* | *" 137 "*) echo " (143/137: timed out after $TMO s?)" ;; esac; }

# Deaths a shell does not remark on, nor picovm (as scripts/lib/pair.sh's is_crash_status).
quiet_status() { case $1 in 129 | 130 | 137 | 141 | 143) true ;; *) false ;; esac; }

fail() { echo "FAIL svm:$1 ($2)"; [ -z "$3" ] || head -n 8 "$3" | sed 's/^/    /'; }

# pairdiff A B: the start of their diff, binary bytes made visible, for fail.
pairdiff() { diff -a -u -L native -L picovm "$1" "$2" | tail -n +3 | cat -v | cut -c1-150 >/app/out/diff; }

# checkpair NAME: runs pair test NAME both ways and prints its result.
checkpair() {
  n=/app/out/$1.native p=/app/out/$1.picovm
  runpair native "$1"
  runpair picovm "$1"
  ns=$(tr '\n' ' ' <"$n.st" | sed 's/ $//') ps=$(tr '\n' ' ' <"$p.st" | sed 's/ $//')
  if [ "$ns" != "$ps" ]; then
    pairdiff "$n.out" "$p.out"
    { head -n 4 "$p.err"; cat /app/out/diff; } >/app/out/diff2
    fail "$1" "exit status: native $ns, picovm $ps$(tmo_note "$ps")" /app/out/diff2
  elif ! cmp -s "$n.out" "$p.out"; then
    pairdiff "$n.out" "$p.out"
    fail "$1" "stdout differs" /app/out/diff
  elif ! cmp -s "$n.err" "$p.err"; then
    pairdiff "$n.err" "$p.err"
    fail "$1" "stderr differs" /app/out/diff
  else
    echo "PASS svm:$1"
  fi
}

# appdirs NAME: the application's private directories (vsock sockets, tmpfs
# mounts) went with every run above; a run whose front is killed (SIGKILL)
# leaves none either: its monitor removes them.
appdirs() {
  left=$(ls -d /dev/shm/picovm-* /tmp/picovm-* 2>/dev/null)
  if [ -n "$left" ]; then fail "$1" "directories left by the runs: $left"; return; fi
  /app/picovm run /app/appdirs.manifest </dev/null >/dev/null 2>&1 &
  front=$!
  i=0
  while [ $i -lt 600 ] && ! ls /dev/shm/picovm-*/*/up >/dev/null 2>&1; do sleep 0.05; i=$((i + 1)); done
  if ! ls /dev/shm/picovm-*/*/up >/dev/null 2>&1; then fail "$1" "the run never wrote /tmp/up"; return; fi
  kill -9 $front
  i=0
  while [ $i -lt 200 ] && ls -d /dev/shm/picovm-* /tmp/picovm-* >/dev/null 2>&1; do sleep 0.05; i=$((i + 1)); done
  left=$(ls -d /dev/shm/picovm-* /tmp/picovm-* 2>/dev/null)
  if [ -n "$left" ]; then fail "$1" "directories left after its front was killed: $left"; else echo "PASS svm:$1"; fi
}

while read -r name kind want; do
  if [ "$kind" = appdirs ]; then
    appdirs "$name"
    continue
  fi
  if [ "$kind" = pair ]; then
    checkpair "$name"
    continue
  fi
  p=/app/out/$name.picovm
  run picovm "$name" "$kind"
  if [ "$kind" = reaches ]; then
    # How far the program got, whatever its status: its output matches /app/NAME.expected (an ERE).
    if cat "$p.out" "$p.err" | grep -Eq "$(cat "/app/$name.expected")"; then
      echo "PASS svm:$name"
    else
      fail "$name" "its output never matches $(cat "/app/$name.expected")" "$p.err"
    fi
    continue
  fi
  if [ "$kind" = only ]; then
    ps=$(cat "$p.st")
    if [ "$ps" != "$want" ]; then
      fail "$name" "exit status $ps, expected $want$(tmo_note "$ps")" "$p.err"
    elif ! cmp -s "/app/$name.expected" "$p.out"; then
      diff -u "/app/$name.expected" "$p.out" >/app/out/diff
      fail "$name" "stdout differs from $name.expected" /app/out/diff
    else
      echo "PASS svm:$name"
    fi
    continue
  fi
  n=/app/out/$name.native
  run native "$name" "$kind"
  ns=$(cat "$n.st") ps=$(cat "$p.st")
  if [ "$ns" != "$ps" ]; then
    { head -n 4 "$p.err"; diff -u "$n.out" "$p.out"; } >/app/out/diff
    fail "$name" "exit status: native $ns, picovm $ps$(tmo_note "$ps")" /app/out/diff
  elif ! cmp -s "$n.out" "$p.out"; then
    diff -u "$n.out" "$p.out" >/app/out/diff
    fail "$name" "stdout differs" /app/out/diff
  elif [ "$ns" -gt 128 ] && [ "$ns" -le 159 ] && ! quiet_status "$ns"; then
    sig=$(kill -l $((ns - 128)))
    if grep -q "$sig" "$p.err" && grep -qi rip "$p.err"; then
      echo "PASS svm:$name"
    else
      fail "$name" "picovm's stderr does not name SIG$sig and rip" "$p.err"
    fi
  elif ! cmp -s "$n.err" "$p.err"; then
    diff -u "$n.err" "$p.err" >/app/out/diff
    fail "$name" "stderr differs" /app/out/diff
  else
    echo "PASS svm:$name"
  fi
done </app/tests.list
