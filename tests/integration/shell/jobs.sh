# Background jobs with wait, nested sh -c, xargs, find -exec, set -e.
sleep 0.2 & a=$!
sleep 0.1 & b=$!
wait $b; echo "b done: $?"
wait $a; echo "a done: $?"
(exit 3) & c=$!
wait $c; echo "c status: $?"
echo "nested: $(sh -c 'sh -c "sh -c \"sh -c \\\"sh -c \\\\\\\"echo five deep\\\\\\\"\\\"\""')"
printf '1\n2\n3\n' | xargs -n1 echo item
mkdir -p "$T_RW/d/e"; touch "$T_RW/d/x" "$T_RW/d/e/y"
find "$T_RW/d" -type f -exec basename {} \; | sort
set -e
true
echo "set -e survived true"
sh -c 'set -e; false; echo not reached'; echo "inner set -e status: $?"
