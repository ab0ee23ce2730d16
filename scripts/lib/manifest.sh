# write_manifest FILE ARGV...
# Writes a picovm manifest whose entrypoint is ARGV[0] (an absolute path), with
#   MF_ENV    array of NAME=VALUE, the program's whole environment, in order;
#   MF_MOUNTS array of ro:PATH, rw:PATH (identity host mounts, guest path ==
#             host path, so outputs compare with a native run) or tmpfs:PATH;
#   MF_EXTRA  array of further manifest lines (a test's "// MANIFEST:" headers).

# toml_str S: S as a TOML basic string, in TOML_STR; not printed, so that no
# subshell is forked for each string (forks are what writing a manifest cost,
# and the suites write hundreds).
toml_str() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/\\t}
  TOML_STR="\"$s\""
}

write_manifest() {
  local file=$1 a kv m uri
  shift
  {
    toml_str "$1"
    echo "libos.entrypoint = $TOML_STR"
    printf 'loader.argv = ['
    local sep=
    for a in "$@"; do toml_str "$a"; printf '%s%s' "$sep" "$TOML_STR"; sep=', '; done
    echo ']'
    for kv in "${MF_ENV[@]}"; do
      toml_str "${kv#*=}"
      echo "loader.env.${kv%%=*} = $TOML_STR"
    done
    echo 'fs.mounts = ['
    for m in "${MF_MOUNTS[@]}"; do
      toml_str "file:${m#*:}"
      uri=$TOML_STR
      toml_str "${m#*:}"
      case $m in
        ro:*)    echo "  { path = $TOML_STR, uri = $uri }," ;;
        rw:*)    echo "  { path = $TOML_STR, uri = $uri, writable = true }," ;;
        tmpfs:*) echo "  { path = $TOML_STR, type = \"tmpfs\" }," ;;
        *) echo "write_manifest: bad mount $m" >&2; return 1 ;;
      esac
    done
    echo ']'
    echo 'loader.log_level = "error"'
    for a in ${MF_EXTRA[@]+"${MF_EXTRA[@]}"}; do echo "$a"; done
  } >"$file"
}
