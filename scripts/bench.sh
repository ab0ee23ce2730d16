#!/usr/bin/env bash
# What `make bench` runs: picovm against native Linux, side by side in one run.
#   spawn      `picovm run` of build/tests/hello vs running it natively: median wall
#              time of BENCH_SPAWN_RUNS runs, and the median peak RSS (ru_maxrss from
#              wait4) of the process started: the monitor vs the native program
#              (Linux >= 6.2 counts RSS in per-CPU batches: a tiny native program
#              may show 0 KB)
#   getpid     system call round trip, ns/call (b_getpid, 1e6 calls: getpid() and syscall())
#   write      write 1 byte to /dev/null, ns/call (b_write)
#   pwrite     pwrite 1 byte to a file in a writable mount, ns/call (b_pwrite)
#   read       sequential read of a 64 MB file on a mounted directory with 64 KiB
#              reads, MB/s (b_read)
#   fork, exec, posix_spawn, each with wait, us/op (b_fork); pipe and signal
#              round trips between two processes, us (b_pipe, b_signal)
#   mmap       mmap+write every page+munmap of 1 MB and of 64 MB, ns per
#              first-touched page (b_mmap)
#   pte        one page-table edit, ns/op (b_pte): a new entry and its removal
#              (mmap+munmap of an untouched page), a changed entry (mprotect),
#              and a first touch (mmap+write+munmap)
#   forkmem    fork+exit+wait of a parent holding 64 MB of touched private
#              memory, us/op (b_forkmem)
#   shm        round trip between two processes over one MAP_SHARED page, ns:
#              polling the word (yielding after 1000 polls), and with a shared
#              futex wait and wake (b_shmpingpong)
#   threads    pthread_create+join, a mutex/condition-variable round trip and a
#              futex wake-wait round trip between two threads, us (b_threads)
#   go         Debian's shfmt (a static Go program) formatting this script, wall
# All but spawn, the shell script and the host memory are timed inside the
# program (start-up excluded); each figure is the median of BENCH_REPS (>= 7)
# runs.  The table goes to stdout and, as markdown with the date and the host
# kind, is appended to BENCH_OUT (default build/bench.md).
# ratio = picovm / native (for MB/s, below 1 is slower).
# env: PICOVM (default build/picovm), BENCH_REPS (7), BENCH_SPAWN_RUNS (21),
#      BENCH_ITER (calls per run for write and pwrite, 200000).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib/manifest.sh
. scripts/lib/manifest.sh
# shellcheck source=scripts/lib/kvm.sh
. scripts/lib/kvm.sh
PICOVM=${PICOVM:-$ROOT/build/picovm}
REPS=${BENCH_REPS:-7}
[ "$REPS" -ge 7 ] || REPS=7
SPAWN_RUNS=${BENCH_SPAWN_RUNS:-21}
ITER=${BENCH_ITER:-200000}
OUT=${BENCH_OUT:-$ROOT/build/bench.md}
HELLO=$ROOT/build/tests/hello
B=$ROOT/build/bench

scripts/deps.sh
mkdir -p "$B"
for c in tests/bench/*.c; do
  musl-gcc -O2 -static -Wall -Wextra -Werror -o "$B/$(basename "$c" .c)" "$c"
done
[ -x "$HELLO" ] || { echo "bench: $HELLO is missing: run make first" >&2; exit 1; }
[ -x "$PICOVM" ] || { echo "bench: $PICOVM is missing: run make first" >&2; exit 1; }
# Figures of an emulated host would mean nothing: no KVM, no benchmark.
kvm_check >/dev/null
[ "$PICOVM_KVM_OK" = 1 ] || { echo "bench: $PICOVM_KVM_WHY: nothing measured" >&2; exit 1; }

if [ -d /sys/module/kvm_pvm ]; then HOST="PVM (kvm_pvm)"
elif [ -d /sys/module/kvm_intel ]; then HOST="VMX (kvm_intel)"
elif [ -d /sys/module/kvm_amd ]; then HOST="SVM (kvm_amd)"
else HOST="VMX/SVM"
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/picovm-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/data" "$W/rw" "$W/m"
head -c $((64 * 1000 * 1000)) /dev/urandom >"$W/data/file64"
MF_ENV=(PATH=/usr/bin:/bin)
MF_MOUNTS=("ro:$B" "ro:$ROOT/build/tests" "ro:$W/data" "rw:$W/rw")

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v n="$1" -v p="$2" 'BEGIN { if (n + 0 > 0 && p ~ /^[0-9.]+$/) printf "%.2f", p / n; else print "-" }'; }

ROWS=()
FAILED=0
row() { ROWS+=("$1|$2|$3|$(ratio "$2" "$3")"); printf '%-28s | %12s | %12s | %s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }

# figure MODE ARGV...: median over REPS runs of the first word a program prints.
figure() {
  local mode=$1 i v name vals=
  shift
  name=$(basename "$1")
  [ "$mode" = native ] || write_manifest "$W/m/$name.manifest" "$@"
  for ((i = 0; i < REPS; i++)); do
    if [ "$mode" = native ]; then
      v=$(cd / && env -i "${MF_ENV[@]}" "$@" </dev/null) || return 1
    else
      v=$(cd / && "$PICOVM" run "$W/m/$name.manifest" </dev/null) || return 1
    fi
    vals+="${v%% *}"$'\n'
  done
  printf '%s' "$vals" | median
}

# both LABEL ARGV...: the native and the picovm figure of one program, one row.
both() {
  local label=$1 n p
  shift
  n=$(figure native "$@") || n=FAILED
  p=$(figure picovm "$@") || p=FAILED
  [ "$n" != FAILED ] && [ "$p" != FAILED ] || FAILED=1
  row "$label" "$n" "$p"
}

printf '%-28s | %12s | %12s | %s\n' name native picovm ratio
write_manifest "$W/m/hello.manifest" "$HELLO"
read -r n_us n_rss < <("$B/spawn" "$SPAWN_RUNS" "$HELLO" || echo FAILED FAILED)
read -r p_us p_rss < <("$B/spawn" "$SPAWN_RUNS" "$PICOVM" run "$W/m/hello.manifest" || echo FAILED FAILED)
[ "$n_us" != FAILED ] && [ "$p_us" != FAILED ] || FAILED=1
row "spawn hello, wall (us)" "$n_us" "$p_us"
# The process the caller waits for is not the monitor (monitor/launcher.c):
# the monitor reports its own peak RSS with --stats.
p_rss=$(for ((i = 0; i < REPS; i++)); do
  "$PICOVM" run --stats "$W/m/hello.manifest" 2>&1 >/dev/null </dev/null | sed -n 's/.*monitor peak RSS \([0-9]*\) KB.*/\1/p'
done | median) || p_rss=FAILED
row "spawn hello, peak RSS (KB)" "$n_rss" "$p_rss"
both "getpid() (ns/call)" "$B/b_getpid" libc 1000000
both "syscall(SYS_getpid) (ns/call)" "$B/b_getpid" syscall 1000000
both "write /dev/null (ns/call)" "$B/b_write" "$ITER"
both "pwrite rw mount (ns/call)" "$B/b_pwrite" "$W/rw/pwrite.dat" "$ITER"
both "read 64 MB, 64 KiB (MB/s)" "$B/b_read" "$W/data/file64"
both "fork+exit+wait (us)" "$B/b_fork" exit 50
both "fork+execve+wait (us)" "$B/b_fork" exec 50
both "posix_spawn+wait (us)" "$B/b_fork" spawn 50
both "pipe round trip, 2 procs (us)" "$B/b_pipe" 2000
both "signal round trip, 2 procs (us)" "$B/b_signal" 200
both "mmap+touch 1 MB (ns/page)" "$B/b_mmap" 1 200
both "mmap+touch 64 MB (ns/page)" "$B/b_mmap" 64 5
both "pte: new entry + unmap (ns)" "$B/b_pte" new 20000
both "pte: mprotect change (ns)" "$B/b_pte" change 20000
both "pte: first touch + unmap (ns)" "$B/b_pte" fault 20000
both "fork+exit+wait, 64 MB (us)" "$B/b_forkmem" 64 50
both "shm ping-pong, spin (ns)" "$B/b_shmpingpong" spin 20000
both "shm ping-pong, futex (ns)" "$B/b_shmpingpong" futex 20000
both "pthread_create+join (us)" "$B/b_threads" create 500
both "mutex/condvar ping-pong (us)" "$B/b_threads" condvar 2000
both "futex wake-wait, 2 threads (us)" "$B/b_threads" futex 2000

# A busybox shell script of 200 short pipelines, wall time of the whole run.
BUSYBOX=$(readlink -f /bin/busybox)
SCRIPT='i=0; while [ $i -lt 200 ]; do echo x | cat | wc -c >/dev/null; i=$((i + 1)); done'
MF_MOUNTS+=("ro:$(dirname "$BUSYBOX")")
write_manifest "$W/m/shell.manifest" "$BUSYBOX" sh -c "$SCRIPT"
read -r n_us _ < <("$B/spawn" 3 "$BUSYBOX" sh -c "$SCRIPT" || echo FAILED)
read -r p_us _ < <("$B/spawn" 3 "$PICOVM" run "$W/m/shell.manifest" || echo FAILED)
[ "$n_us" != FAILED ] && [ "$p_us" != FAILED ] || FAILED=1
row "sh: 200 pipelines, wall (ms)" "$(awk "BEGIN{print $n_us/1000}")" "$(awk "BEGIN{print $p_us/1000}")"

# A Go program (Debian's shfmt, static, threads of its own) formatting this
# script, wall time of the whole run.
SHFMT=$(readlink -f /usr/bin/shfmt)
MF_MOUNTS+=("ro:$(dirname "$SHFMT")" "ro:$ROOT/scripts")
write_manifest "$W/m/shfmt.manifest" "$SHFMT" "$ROOT/scripts/bench.sh"
read -r n_us _ < <("$B/spawn" 5 "$SHFMT" "$ROOT/scripts/bench.sh" || echo FAILED)
read -r p_us _ < <("$B/spawn" 5 "$PICOVM" run "$W/m/shfmt.manifest" || echo FAILED)
[ "$n_us" != FAILED ] && [ "$p_us" != FAILED ] || FAILED=1
row "Go shfmt on a script, wall (ms)" "$(awk "BEGIN{print $n_us/1000}")" "$(awk "BEGIN{print $p_us/1000}")"

# Host memory per extra picoprocess: the monitors' memory with 9 sleeping
# children, less that with 1, over 8.  Proportional set size (PSS), so pages
# the monitors share (picovm's own code, guest memory not yet copied on
# write) count once, not once per process as plain RSS would.
monitors_rss() {
  local n=$1 pid total p
  write_manifest "$W/m/children.manifest" "$B/b_children" "$n" 3
  "$PICOVM" run "$W/m/children.manifest" >"$W/children.out" </dev/null &
  pid=$!
  for _ in $(seq 100); do grep -q ready "$W/children.out" 2>/dev/null && break; sleep 0.05; done
  sleep 0.3
  total=0
  for p in $(ps -eo pid=,args= | awk -v m="$W/m/children.manifest" 'index($0, m) {print $1}'); do
    total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)))
  done
  wait "$pid" || true
  echo "$total"
}
r1=$(monitors_rss 1) r9=$(monitors_rss 9)
row "host memory per extra child (KB PSS)" "-" "$(( (r9 - r1) / 8 ))"

mkdir -p "$(dirname "$OUT")"
{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), host $HOST, $(nproc) cores, commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
  echo
  echo "median of $REPS runs (spawn: of $SPAWN_RUNS); ratio = picovm / native"
  echo
  echo "| name | native | picovm | ratio |"
  echo "|---|---:|---:|---:|"
  for r in "${ROWS[@]}"; do echo "| ${r//|/ | } |"; done
} >>"$OUT"
echo "appended to ${OUT#"$ROOT"/}"
[ "$FAILED" = 0 ] || { echo "bench: some runs FAILED" >&2; exit 1; }
