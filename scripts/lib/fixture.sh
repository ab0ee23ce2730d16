# make_fixture DIR: the read-only tree the guest tests see as $T_RO; its content
# belongs to tests/guest/make-fixture.sh, which the tests are written against.
make_fixture() { sh "$ROOT/tests/guest/make-fixture.sh" "$1"; }

# escape_links DIR: symlinks out of a writable mount, which hostile programs
# (PICOVM-ONLY tests) must fail to follow.
escape_links() {
  ln -s /etc/passwd "$1/escape-link"
  ln -s ../../../../../../etc/passwd "$1/escape-rel"
  ln -s /etc "$1/escape-dir"
}

# fresh_dirs: empty T_RW and T_TMPFS before a run, so that no run sees what
# another left.
fresh_dirs() {
  rm -rf "$T_RW" "$T_TMPFS"
  mkdir -p "$T_RW" "$T_TMPFS"
}
