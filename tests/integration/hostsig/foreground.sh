# A signal for the application reaches its whole foreground process group:
# the child in the foreground runs its trap, then the shell runs its own.
trap 'echo "top got $SIG"' "$SIG"
sh -c 'trap "echo child got \$SIG; exit 3" "$SIG"; touch "$T_RW/ready"; while :; do sleep 0.05; done'
echo "child: $?"
