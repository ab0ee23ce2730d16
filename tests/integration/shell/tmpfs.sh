# /tmp, /dev/shm and the tmpfs mount are one file system for every process
# of the script, as on Linux: each command here is a process of its own.
f=/tmp/picovm-shell-tmpfs.$$
echo hi >"$f"
cat "$f"
sh -c 'echo "appended by a child" >>"$1"' sh "$f"
cat "$f"
( read -r line; echo "subshell read: $line" ) <"$f"
mv "$f" "$f.moved" && cat "$f.moved" | wc -l
rm "$f.moved"
[ -e "$f.moved" ] || echo "removed by rm, gone for the shell"
echo shared >"$T_TMPFS/x"; ln "$T_TMPFS/x" "$T_TMPFS/y"; cat "$T_TMPFS/y"; rm "$T_TMPFS/x" "$T_TMPFS/y"
ls /dev/shm >/dev/null && grep -m1 ' /dev/shm ' /proc/mounts | cut -d ' ' -f 2,3
stat -f -c %T /dev/shm
