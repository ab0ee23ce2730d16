# Pipelines of three and more stages, command substitution, subshells, $? and redirections.
printf 'pear\napple\nfig\nfig\nbanana\n' | sort | uniq -c | sort -rn | head -3
echo "lines: $(printf 'a\nb\nc\n' | wc -l | tr -d ' ')"
x=$(echo inner; echo second)
echo "subst: $x"
( cd "$T_TMPFS" && echo made >file && cat file )
echo "subshell left cwd alone: $(pwd)"
false || echo "status after false: $?"
(exit 7); echo "subshell exit: $?"
echo to-stderr >&2
ls /no/such/dir 2>/dev/null || echo "redirected error, status $?"
echo data >"$T_RW/f"; cat <"$T_RW/f"; echo more >>"$T_RW/f"; wc -l <"$T_RW/f" | tr -d ' '
cat <<EOT
heredoc $((6 * 7))
EOT
