# A signal for the application reaches its whole foreground process group:
# the child in the foreground runs its trap, then the shell runs its own.
# The child's own foreground child, a shell without a trap, writes the ready
# marker: from then on it is in the group and dies of SIG whenever SIG comes
# (of TERM and HUP at once; busybox sh handles INT itself and ends of it at
# its next check, hence a loop and no exec of sleep, which would forget it),
# and the child reports that death ("Terminated", "Hangup"; nothing for INT)
# before its trap runs.
trap 'echo "top got $SIG"' "$SIG"
sh -c 'trap "echo child got \$SIG; exit 3" "$SIG"; sh -c ": >\"\$T_RW/ready\"; while :; do sleep 1; done"'
echo "child: $?"
