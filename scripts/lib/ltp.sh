# shellcheck shell=bash
# The stages of scripts/ltp.sh: build, select, run natively, run under picovm, verdict.
# Everything goes under the build directory B (build/ltp):
#   src/  LTP's source, unpacked     install/  its prefix (testcases/bin)
#   stamps/  what is built: src.key (which source), lib, DIR (one per directory,
#            holding the names of the programs DIR built)
#   scenarios.txt  "NAME PROGRAM ARGS..." to run     skipped.txt  "NAME reason"
#   native/NAME.{log,st}   picovm/NAME.{log,st}   (output, exit status)

# Scenarios never run: they change the host or take too long (../shared/ltp/README.md).
LTP_DANGEROUS=(
  "leapsec01:changes the host's clock"
  "fork13:long (a million forks)"
  "fork14:memory-hungry (maps 16 GB per child)"
  "madvise01:MADV_HWPOISON, poisons host pages natively"
  "madvise07:MADV_HWPOISON, poisons host pages natively"
  "madvise11:soft-offlines host pages natively"
  "msgstress:long and memory-hungry"
)

# ltp_build SRC B JOBS DIR...: LTP's library and each DIR, static, installed into
# B/install; a step already done (its stamp) is not done again, a new SRC restarts.
ltp_build() {
  local src=$1 b=$2 jobs=$3 key d s=$2/src t0
  shift 3
  mkdir -p "$b/stamps"
  key="$src $(stat -L -c '%s %Y' "$src")"
  if [ "$(cat "$b/stamps/src.key" 2>/dev/null)" != "$key" ]; then
    echo "ltp: unpacking $src"
    rm -rf "$s" "$b/install" "$b/stamps"
    mkdir -p "$s" "$b/stamps"
    if [ -d "$src" ]; then
      cp -a "$src/." "$s/"
    else
      tar -xf "$src" -C "$s" --strip-components=1
    fi
    echo "$key" >"$b/stamps/src.key"
  fi
  if [ ! -e "$b/stamps/configure" ]; then
    echo "ltp: configure (log: $b/configure.log)"
    # clone3: with -static, configure finds libc.a's weak clone3 and lib/tst_clone.c breaks.
    (cd "$s" && make autotools && ./configure --without-modules --without-numa --without-tirpc \
      --prefix="$b/install" LDFLAGS=-static ac_cv_func_clone3=no) >"$b/configure.log" 2>&1 ||
      { tail -n 20 "$b/configure.log"; echo "ltp: configure failed" >&2; return 1; }
    touch "$b/stamps/configure"
  fi
  if [ ! -e "$b/stamps/lib" ]; then
    echo "ltp: lib (log: $b/lib.log)"
    make -j"$jobs" -C "$s/lib" >"$b/lib.log" 2>&1 ||
      { tail -n 20 "$b/lib.log"; echo "ltp: building LTP's library failed" >&2; return 1; }
    touch "$b/stamps/lib"
  fi
  mkdir -p "$b/logs"
  for d in "$@"; do
    [ ! -e "$b/stamps/$d" ] || continue
    t0=$SECONDS
    if make -j"$jobs" -C "$s/testcases/kernel/syscalls/$d" >"$b/logs/$d.log" 2>&1 &&
      make -C "$s/testcases/kernel/syscalls/$d" install >>"$b/logs/$d.log" 2>&1; then
      # The programs it built: the ELF executables of the directory.
      find "$s/testcases/kernel/syscalls/$d" -type f -perm -u+x ! -name '*.sh' -print0 |
        xargs -0 -r file | sed -n 's/:.*ELF.*executable.*//p' | xargs -r -n1 basename |
        sort >"$b/stamps/$d.tmp"
      mv "$b/stamps/$d.tmp" "$b/stamps/$d"
      echo "ltp: built $d ($(wc -l <"$b/stamps/$d") programs, $((SECONDS - t0)) s)"
    else
      echo "ltp: building $d FAILED (its scenarios are skipped): $b/logs/$d.log"
      grep -E 'error|\*\*\*' "$b/logs/$d.log" | head -n 5 | sed 's/^/    /'
    fi
  done
}

# ltp_select B DIR...: prints the scenarios of runtest/syscalls ("NAME PROGRAM ARGS")
# whose program one of DIR built; writes those left out on purpose to B/skipped.txt.
ltp_select() {
  local b=$1 d stamps=() entry
  shift
  for d in "$@"; do [ ! -e "$b/stamps/$d" ] || stamps+=("$b/stamps/$d"); done
  : >"$b/skipped.txt"
  [ ${#stamps[@]} -gt 0 ] || return 0
  for entry in "${LTP_DANGEROUS[@]}"; do echo "${entry%%:*} ${entry#*:}"; done >"$b/dangerous.txt"
  # Exact names, and msgstress as a prefix (msgstress01..04).
  awk -v skipped="$b/skipped.txt" '
    FILENAME ~ /dangerous.txt$/ { why[$1] = substr($0, length($1) + 2); next }
    FILENAME !~ /runtest/ { built[$1] = 1; next }
    /^[ \t]*(#|$)/ { next }
    !($2 in built) { next }
    { n = $1; sub(/[0-9]+$/, "", n)
      r = ($1 in why) ? why[$1] : (n in why) ? why[n] : ""
      if (r != "") { print $1, r > skipped; next }
      $1 = $1; print }
  ' "$b/dangerous.txt" "${stamps[@]}" "$b/src/runtest/syscalls"
}

# ltp_env PREFIX TMPDIR KCONFIG PATHTAIL: the environment of a scenario, one NAME=VALUE a line.
ltp_env() {
  printf '%s\n' "PATH=$1/testcases/bin:$4" "LTPROOT=$1" "TMPDIR=$2" "KCONFIG_PATH=$3"
}

# ltp_run_native B TIMEOUT: every scenario of B/scenarios.txt on this host, each in a
# fresh TMPDIR, into B/native/NAME.{log,st}.
ltp_run_native() {
  local b=$1 tmo=$2 name cmd t=$1/run/tmp env=() st
  rm -rf "$b/native" "$b/run"
  mkdir -p "$b/native" "$b/run"
  : >"$b/run/kconfig"
  mapfile -t env < <(ltp_env "$b/install" "$t" "$b/run/kconfig" /usr/bin:/bin)
  while read -r name cmd; do
    rm -rf "$t"
    mkdir -p "$t"
    chmod 1777 "$t"
    st=0
    # shellcheck disable=SC2086 # cmd is the program and its arguments, as runtest has them
    (cd "$t" && exec timeout -k 5 "$tmo" env -i "${env[@]}" $cmd) </dev/null >"$b/native/$name.log" 2>&1 || st=$?
    echo "$st" >"$b/native/$name.st"
  done <"$b/scenarios.txt"
  rm -rf "$t"
}

# ltp_layout B APPDIR R: lays out under APPDIR what the picovm runs need, with the
# paths the runs see under R (APPDIR itself, or /app in the emulated host):
#   R/ltp  LTP's prefix (programs stripped)    R/bin  busybox and its applets (/bin)
#   R/etc  passwd and group (root, nobody)      R/tmp  the scenario's TMPDIR (writable)
#   R/m/NAME.manifest   R/scenarios.txt (names)
# Only the scenarios that passed natively are run.
ltp_layout() {
  local b=$1 a=$2 r=$3 name cmd prog argv a1 kv bb
  rm -rf "$a"
  mkdir -p "$a/ltp/testcases/bin" "$a/bin" "$a/etc" "$a/tmp" "$a/m"
  # Stripped copies: a third of the size, and the emulated host holds them in RAM.
  for prog in "$b"/install/testcases/bin/*; do
    if file -b "$prog" | grep -q ELF; then strip -o "$a/ltp/testcases/bin/${prog##*/}" "$prog"
    else cp -a "$prog" "$a/ltp/testcases/bin/"; fi
  done
  : >"$a/ltp/kconfig"
  bb=$(readlink -f /bin/busybox)
  cp "$bb" "$a/bin/busybox"
  for a1 in $("$bb" --list); do [ "$a1" = busybox ] || ln -s busybox "$a/bin/$a1"; done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/sh' \
    'bin:x:1:1:bin:/bin:/bin/sh' 'daemon:x:2:2:daemon:/:/bin/sh' >"$a/etc/passwd"
  printf '%s\n' 'root:x:0:' 'bin:x:1:' 'daemon:x:2:' 'nogroup:x:65534:' 'nobody:x:65534:' >"$a/etc/group"
  : >"$a/scenarios.txt"
  while read -r name cmd; do
    [ "$(cat "$b/native/$name.st")" = 0 ] || continue
    read -r -a argv <<<"$cmd"
    {
      toml_str "$r/ltp/testcases/bin/${argv[0]}"
      echo "libos.entrypoint = $TOML_STR"
      printf 'loader.argv = ['
      for a1 in "${argv[@]}"; do toml_str "$a1"; printf '%s, ' "$TOML_STR"; done
      echo ']'
      while IFS= read -r kv; do
        toml_str "${kv#*=}"
        echo "loader.env.${kv%%=*} = $TOML_STR"
      done < <(ltp_env "$r/ltp" "$r/tmp" "$r/ltp/kconfig" /bin)
      # A picoprocess runs in a KVM virtual machine, for which LTP widens its timing checks
      # (tst_is_virt) as it does natively here (systemd-detect-virt); the guest has no
      # systemd-detect-virt to ask, so it is told.
      echo 'loader.env.LTP_VIRT_OVERRIDE = "kvm"'
      echo 'fs.mounts = ['
      echo "  { path = \"$r/ltp\", uri = \"file:$r/ltp\" },"
      echo "  { path = \"$r/tmp\", uri = \"file:$r/tmp\", writable = true },"
      echo "  { path = \"/bin\", uri = \"file:$r/bin\" },"
      echo "  { path = \"/etc\", uri = \"file:$r/etc\" },"
      echo ']'
      echo "fs.start_dir = \"$r/tmp\""
      echo 'loader.log_level = "error"'
    } >"$a/m/$name.manifest"
    echo "$name" >>"$a/scenarios.txt"
  done <"$b/scenarios.txt"
  # The expected passes: a failure of one of them is run once more.
  grep -vxF -f <(sed -n 's/^\([^# ][^ ]*\).*/\1/p' "$ROOT/tests/ltp/expectations.txt") "$a/scenarios.txt" \
    >"$a/retry.txt" || true
  cp "$ROOT/tests/ltp/run-picovm.sh" "$a/"
}

# ltp_collect B OUT: the LTP-RESULT / LTP-LOG lines of run-picovm.sh in OUT into
# B/picovm/NAME.{st,log}.
ltp_collect() {
  local b=$1 out=$2 tag name rest
  rm -rf "$b/picovm"
  mkdir -p "$b/picovm"
  while read -r tag name rest; do
    case $tag in
      LTP-RESULT) echo "${rest%% *}" >"$b/picovm/$name.st"; echo "${rest#* }" >"$b/picovm/$name.secs" ;;
      LTP-LOG) echo "$rest" >>"$b/picovm/$name.log" ;;
      LTP-RETRY) echo "${rest%% *}" >"$b/picovm/$name.retry" ;;
    esac
  done < <(grep -a '^LTP-' "$out")
}

# ltp_run_picovm_here B PICOVM TIMEOUT: under picovm on this host's KVM.
ltp_run_picovm_here() {
  local b=$1 app=$1/app
  ltp_layout "$b" "$app" "$app"
  sh "$app/run-picovm.sh" "$app" "$(readlink -f "$2")" "$3" >"$b/picovm.out" 2>&1 || true
  ltp_collect "$b" "$b/picovm.out"
  echo "ltp: $(ltp_secs "$b") s in the scenarios"
}

# ltp_run_picovm_svm B PICOVM TIMEOUT: under picovm in one boot of the emulated SVM
# host (PICOVM must be static); the boot may take LTP_SVM_BOOT_TIMEOUT seconds in all.
ltp_run_picovm_svm() {
  local b=$1 app=$1/svm-app rc=0 t0=$SECONDS
  ltp_layout "$b" "$app" /app
  cp "$2" "$app/picovm"
  echo "ltp: $(wc -l <"$app/scenarios.txt") scenarios, $(du -sh "$app" | cut -f1) laid out for the emulated host"
  PICOVM_SVM_TIMEOUT=${LTP_SVM_BOOT_TIMEOUT:-5400} PICOVM_SVM_MEM=${PICOVM_SVM_MEM:-4G} \
    scripts/svm-host.sh "$app" sh /app/run-picovm.sh /app /app/picovm "$3" >"$b/picovm.out" 2>"$b/svm.log" || rc=$?
  [ "$rc" -eq 0 ] || echo "ltp: the emulated host ended with status $rc: $(tail -n 3 "$b/svm.log" | tr '\n' ' ')"
  ltp_collect "$b" "$b/picovm.out"
  echo "ltp: the emulated host took $((SECONDS - t0)) s, $(ltp_secs "$b") s of it in the scenarios"
}

# ltp_secs B: the seconds the picovm runs took, in all.
ltp_secs() { cat "$1"/picovm/*.secs 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }

# ltp_why LOG: the first TFAIL or TBROK line of LOG (else its first line), shortened:
# "TBROK: what", without the source positions, old-API or new-API alike; "" for a
# LOG that is missing (a scenario whose run printed none of those lines), never a failure.
ltp_why() {
  { grep -a -m1 -E 'TFAIL|TBROK' "$1" || grep -a -m1 -E 'error|killed' "$1" || head -n 1 "$1" || true; } 2>/dev/null |
    sed -E 's/^.*(TFAIL|TBROK) *: */\1: /; s/[a-z_0-9]+\.c:[0-9]+: //g; s/LTP_[A-Za-z0-9_]{6,}/LTP_XXXXXX/g; s/  +/ /g' |
    cut -c1-140
}

# ltp_verdict B run EXPECTATIONS | ltp_verdict B skip REASON: one line per scenario
# and the summary; non-zero when a scenario failed that EXPECTATIONS does not list.
ltp_verdict() {
  local b=$1 mode=$2 arg=$3 name cmd ns ps why np=0 nf=0 nsk=0 nat=0 now=() flaky=()
  declare -A expect=()
  if [ "$mode" = run ] && [ -f "$arg" ]; then
    while read -r name why; do
      case $name in '#'* | '') continue ;; esac
      expect[$name]=$why
    done <"$arg"
  fi
  while read -r name why; do
    echo "SKIP $name (not run: $why)"; nsk=$((nsk + 1))
  done <"$b/skipped.txt"
  while read -r name cmd; do
    ns=$(cat "$b/native/$name.st")
    if [ "$ns" = 32 ]; then
      echo "SKIP $name (TCONF natively: $(grep -a -m1 TCONF "$b/native/$name.log" | cut -c1-120))"
      nsk=$((nsk + 1)); continue
    elif [ "$ns" != 0 ]; then
      echo "SKIP $name (fails natively, status $ns: $(ltp_why "$b/native/$name.log"))"
      nsk=$((nsk + 1)); continue
    fi
    nat=$((nat + 1))
    if [ "$mode" = skip ]; then
      echo "SKIP $name (picovm: $arg)"; nsk=$((nsk + 1)); continue
    fi
    ps=$(cat "$b/picovm/$name.st" 2>/dev/null || echo none)
    if [ "$ps" = 0 ]; then
      if [ -n "${expect[$name]+x}" ]; then
        echo "PASS $name (now passes: remove it from expectations)"; now+=("$name")
      else
        echo "PASS $name"
      fi
      np=$((np + 1))
    elif [ "$ps" = 32 ]; then
      echo "SKIP $name (TCONF under picovm: $(grep -a -m1 TCONF "$b/picovm/$name.log" 2>/dev/null | cut -c1-120))"
      nsk=$((nsk + 1))
    elif [ -n "${expect[$name]+x}" ]; then
      echo "XFAIL $name (${expect[$name]})"; nsk=$((nsk + 1))
    elif [ "$(cat "$b/picovm/$name.retry" 2>/dev/null)" = 0 ]; then
      # Its outcome depends on timing: a bug to find, named loudly, not a landing blocked.
      echo "FLAKY $name (status $ps, then passed when run again: $(ltp_why "$b/picovm/$name.log"))"
      flaky+=("$name"); nsk=$((nsk + 1))
    else
      why=$(ltp_why "$b/picovm/$name.log")
      [ "$ps" != none ] || why="no result from the picovm run (it stopped before this scenario)"
      [ "$ps" != 124 ] && [ "$ps" != 137 ] && [ "$ps" != 143 ] || why="timed out; $why"
      echo "FAIL $name (status $ps: $why)"; nf=$((nf + 1))
    fi
  done <"$b/scenarios.txt"
  echo "ltp: $nat scenarios pass natively; under picovm $np of them pass"
  if [ ${#now[@]} -gt 0 ]; then
    echo "WARNING: ${#now[@]} expected failure(s) now pass, remove them from the expectations: ${now[*]}"
  fi
  if [ ${#flaky[@]} -gt 0 ]; then
    echo "WARNING: ${#flaky[@]} scenario(s) FLAKY under picovm (failed, then passed): ${flaky[*]}"
  fi
  [ "$nsk" -eq 0 ] || echo "WARNING: $nsk scenario(s) SKIPPED, not passed: see the SKIP and XFAIL lines above"
  echo "$np passed, $nf failed, $nsk skipped"
  [ "$nf" -eq 0 ]
}
