# Conventions in the first lines of tests/guest/*.c:
#   // PICOVM-ONLY       run only under picovm: stdout must equal tests/guest/NAME.expected
#                        (empty if that file is absent), status must equal EXPECT-EXIT
#   // EXPECT-EXIT: N    that status (default 0)
#   // ARGS: words       argv[1..]: shell words, $T_RW $T_RO $T_TMPFS expand
#   // STDIN: text       stdin is text plus a newline (printf %b escapes: \n \t)
#   // MANIFEST: line    a line added to the picovm manifest (may repeat)
#   // MUSL-ONLY: why    no glibc run (glibc:NAME is skipped, saying why): only for
#                        libc behaviour glibc cannot match natively, never a picovm bug
# header_value FILE KEY prints the value (nothing if absent), header_values all
# of them, one a line; header_flag FILE KEY
# succeeds if the flag is there.
header_values() { sed -n "1,60s|^[[:space:]]*//[[:space:]]*$2:[[:space:]]*||p" "$1" | sed 's/[[:space:]]*$//'; }
header_value() { header_values "$1" "$2" | head -n 1; }
header_flag() { head -n 60 "$1" | grep -Eq "^[[:space:]]*//[[:space:]]*$2([[:space:]]|$)"; }
