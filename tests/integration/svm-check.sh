#!/bin/sh
# Runs inside the emulated SVM host (busybox sh; see svm-core.sh, which lays out
# /app): each test of /app/tests.list, a line "NAME native -" or "NAME only EXIT",
# runs under picovm and, for "native", natively too, the same way run-guest.sh
# does on the real host; prints PASS/FAIL lines for svm-core.sh to count.
#   /app/bin/NAME  program     /app/NAME.manifest  its manifest   /app/env.list  its environment
#   /app/NAME.args  argv[1..], one a line     /app/NAME.stdin  its stdin
#   /app/NAME.expected  stdout of an "only" test    /app/rw-hostile  its starting rw
cd /app || exit 1
[ -c /dev/kvm ] || { echo "FAIL svm:kvm (no /dev/kvm in the emulated host)"; exit 0; }
ENV=$(cat /app/env.list)
mkdir -p /app/out

# fresh KIND: empty rw and tmpfs; for a hostile ("only") test, rw starts as a
# copy of /app/rw-hostile (the escape links).
fresh() {
  rm -rf /app/rw /app/tmpfs
  mkdir -p /app/tmpfs
  if [ "$1" = only ]; then cp -a /app/rw-hostile /app/rw; else mkdir -p /app/rw; fi
}

# run MODE NAME KIND: native or picovm run into /app/out/NAME.MODE.{out,err,st}
run() {
  rmode=$1 rname=$2 rkind=$3 o=/app/out/$2.$1
  set --
  while IFS= read -r a; do set -- "$@" "$a"; done <"/app/$rname.args"
  fresh "$rkind"
  if [ "$rmode" = native ]; then
    # shellcheck disable=SC2086 # ENV is NAME=VALUE words
    (cd / && exec env -i $ENV "/app/bin/$rname" "$@") <"/app/$rname.stdin" >"$o.out" 2>"$o.err"
  else
    (cd / && exec /app/picovm run "/app/$rname.manifest") <"/app/$rname.stdin" >"$o.out" 2>"$o.err"
  fi
  echo $? >"$o.st"
}

fail() { echo "FAIL svm:$1 ($2)"; [ -z "$3" ] || head -n 8 "$3" | sed 's/^/    /'; }

while read -r name kind want; do
  p=/app/out/$name.picovm
  run picovm "$name" "$kind"
  if [ "$kind" = only ]; then
    if [ "$(cat "$p.st")" != "$want" ]; then
      fail "$name" "exit status $(cat "$p.st"), expected $want" "$p.err"
    elif ! cmp -s "/app/$name.expected" "$p.out"; then
      fail "$name" "stdout differs from $name.expected" "$p.out"
    else
      echo "PASS svm:$name"
    fi
    continue
  fi
  n=/app/out/$name.native
  run native "$name" "$kind"
  ns=$(cat "$n.st") ps=$(cat "$p.st")
  if [ "$ns" != "$ps" ]; then
    fail "$name" "exit status: native $ns, picovm $ps" "$p.err"
  elif ! cmp -s "$n.out" "$p.out"; then
    diff -u "$n.out" "$p.out" >/app/out/diff
    fail "$name" "stdout differs" /app/out/diff
  elif [ "$ns" -gt 128 ] && [ "$ns" -le 159 ]; then
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
