# Other processes seen through ps and /proc, kill and kill -0 of them, and a
# process group of its own (setsid) reached by a kill of the group.
# (shells report killed jobs on stderr in their own words: kept out)
# Each child is waited for until it is what is looked at (exec'd, or its trap
# set; for at most 100 rounds), not for a guessed time: a fork and an exec under
# picovm make a VM, and on an emulated host that can take longer than any guess.
# A sleep that never ends by itself before it is killed below, however slow the host.
sleep 725 &
p=$!
i=0; while [ $i -lt 100 ] && ! grep -q 725 /proc/$p/cmdline 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
ps -o pid | grep -qw "$p" && echo "ps lists the child"
ps -o pid,ppid | while read -r pid ppid; do [ "$pid" = "$p" ] && echo "its parent is us: $([ "$ppid" = $$ ] && echo yes)"; done
tr '\0' ' ' < /proc/$p/cmdline; echo
cut -d ' ' -f 3,4 /proc/$p/stat | sed "s/ $$\$/ (us)/"
grep -c '^Pid:' /proc/$p/status
kill -0 $p && echo "kill -0: there"
{ kill $p; wait $p; echo "killed: $?"; } 2>/dev/null
kill -0 $p 2>/dev/null || echo "kill -0: gone"
[ -e /proc/$p ] || echo "no /proc entry"
setsid sh -c 'trap "echo group got USR1; exit 3" USR1; : >"$T_RW/ready"; while :; do sleep 0.05; done' 2>/dev/null & g=$!
i=0; while [ $i -lt 100 ] && [ ! -e "$T_RW/ready" ]; do sleep 0.05; i=$((i + 1)); done
kill -USR1 -$g; k=$?
{ wait $g; w=$?; } 2>/dev/null
echo "kill of the group: $k, its member: $w"
