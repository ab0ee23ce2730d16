# Conventions in the first lines of tests/guest/*.c:
#   // PICOVM-ONLY       run only under picovm: stdout must equal tests/guest/NAME.expected
#                        (empty if that file is absent), status must equal EXPECT-EXIT
#   // EXPECT-EXIT: N    that status (default 0)
#   // ARGS: words       argv[1..]: shell words, $T_RW $T_RO $T_TMPFS expand
#   // STDIN: text       stdin is text plus a newline (printf %b escapes: \n \t)
# header_value FILE KEY prints the value (nothing if absent); header_flag FILE KEY
# succeeds if the flag is there.
header_value() { sed -n "1,60s|^[[:space:]]*//[[:space:]]*$2:[[:space:]]*||p" "$1" | head -n 1 | sed 's/[[:space:]]*$//'; }
header_flag() { head -n 60 "$1" | grep -Eq "^[[:space:]]*//[[:space:]]*$2([[:space:]]|$)"; }
