#!/bin/sh
# Fills DIR with the read-only fixture the guest tests read (T_RO); the tests
# know this content, so change both together.
#   hello.txt "hello, picovm\n"   sub/a.txt "a\n"   sub/b.txt "bee\n"   empty (0 bytes)
#   link-to-hello -> hello.txt    big.bin: 100000 bytes, byte i == i % 251
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir/sub"
printf 'hello, picovm\n' > "$dir/hello.txt"
printf 'a\n' > "$dir/sub/a.txt"
printf 'bee\n' > "$dir/sub/b.txt"
: > "$dir/empty"
rm -f "$dir/link-to-hello"
ln -s hello.txt "$dir/link-to-hello"

# 251 is prime, so the pattern never lines up with pages or buffer sizes.
tmp=$dir/.big.tmp
i=0
while [ $i -lt 251 ]; do
    printf "\\$(printf %03o $i)"
    i=$((i + 1))
done > "$tmp"
n=1
while [ $n -lt 512 ]; do          # 512 * 251 bytes >= 100000
    cat "$tmp" "$tmp" > "$tmp.2"
    mv "$tmp.2" "$tmp"
    n=$((n * 2))
done
head -c 100000 "$tmp" > "$dir/big.bin"
rm -f "$tmp"

chmod 644 "$dir/hello.txt" "$dir/sub/a.txt" "$dir/sub/b.txt" "$dir/empty" "$dir/big.bin"
chmod 755 "$dir" "$dir/sub"
