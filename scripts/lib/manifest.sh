# write_manifest FILE ARGV...
# Writes a picovm manifest whose entrypoint is ARGV[0] (an absolute path), with
#   MF_ENV    array of NAME=VALUE, the program's whole environment, in order;
#   MF_MOUNTS array of ro:PATH, rw:PATH (identity host mounts, guest path ==
#             host path, so outputs compare with a native run) or tmpfs:PATH;
#   MF_EXTRA  array of further manifest lines (a test's "// MANIFEST:" headers).

toml_str() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

write_manifest() {
  local file=$1 a kv m
  shift
  {
    echo "libos.entrypoint = $(toml_str "$1")"
    printf 'loader.argv = ['
    local sep=
    for a in "$@"; do printf '%s%s' "$sep" "$(toml_str "$a")"; sep=', '; done
    echo ']'
    for kv in "${MF_ENV[@]}"; do
      echo "loader.env.${kv%%=*} = $(toml_str "${kv#*=}")"
    done
    echo 'fs.mounts = ['
    for m in "${MF_MOUNTS[@]}"; do
      case $m in
        ro:*)    echo "  { path = $(toml_str "${m#*:}"), uri = $(toml_str "file:${m#*:}") }," ;;
        rw:*)    echo "  { path = $(toml_str "${m#*:}"), uri = $(toml_str "file:${m#*:}"), writable = true }," ;;
        tmpfs:*) echo "  { path = $(toml_str "${m#*:}"), type = \"tmpfs\" }," ;;
        *) echo "write_manifest: bad mount $m" >&2; return 1 ;;
      esac
    done
    echo ']'
    echo 'loader.log_level = "error"'
    for a in ${MF_EXTRA[@]+"${MF_EXTRA[@]}"}; do echo "$a"; done
  } >"$file"
}
