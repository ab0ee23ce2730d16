# Other processes seen through ps and /proc, kill and kill -0 of them, and a
# process group of its own (setsid) reached by a kill of the group.
# (shells report killed jobs on stderr in their own words: kept out)
sleep 7.25 &
p=$!
ps -o pid | grep -qw "$p" && echo "ps lists the child"
ps -o pid,ppid | while read -r pid ppid; do [ "$pid" = "$p" ] && echo "its parent is us: $([ "$ppid" = $$ ] && echo yes)"; done
tr '\0' ' ' < /proc/$p/cmdline; echo
cut -d ' ' -f 3,4 /proc/$p/stat | sed "s/ $$\$/ (us)/"
grep -c '^Pid:' /proc/$p/status
kill -0 $p && echo "kill -0: there"
{ kill $p; wait $p; echo "killed: $?"; } 2>/dev/null
kill -0 $p 2>/dev/null || echo "kill -0: gone"
[ -e /proc/$p ] || echo "no /proc entry"
setsid sh -c 'trap "echo group got USR1; exit 3" USR1; while :; do sleep 0.05; done' 2>/dev/null & g=$!
sleep 0.3
kill -USR1 -$g; k=$?
{ wait $g; w=$?; } 2>/dev/null
echo "kill of the group: $k, its member: $w"
