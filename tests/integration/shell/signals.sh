# trap on USR1 and TERM, kill between processes, exit statuses of killed children.
trap 'echo got USR1' USR1
kill -USR1 $$
echo "after USR1"
trap 'echo got TERM' TERM
kill -TERM $$
echo "after TERM"
# (bash reports the killed child with its pid on stderr: kept out of the comparison)
{ sh -c 'kill -9 $$'; echo "killed child: $?"; } 2>/dev/null
sh -c 'trap "echo child got USR1; exit 4" USR1; kill -USR1 $$; sleep 5'; echo "child trap exit: $?"
# Killed once its trap is set (for at most 100 rounds), not after a guessed time:
# a fork under picovm makes a VM, which on an emulated host can take longer.
sh -c 'trap "exit 9" TERM; : >"$T_RW/ready"; while :; do sleep 0.05; done' & p=$!
i=0; while [ $i -lt 100 ] && [ ! -e "$T_RW/ready" ]; do sleep 0.05; i=$((i + 1)); done
kill $p; wait $p; echo "background killed: $?"
