# kvm_check: sets PICOVM_KVM_OK=1, or PICOVM_KVM_OK=0 and PICOVM_KVM_WHY, once per test run
# (exported, so nested runners reuse the answer).  Needs ROOT.
kvm_check() {
  if [ -n "${PICOVM_KVM_OK:-}" ]; then return; fi
  local probe=$ROOT/build/integration/kvm_usable out
  mkdir -p "$(dirname "$probe")"
  if ! gcc -O2 -o "$probe" "$ROOT/tests/integration/kvm_usable.c" 2>/dev/null; then
    PICOVM_KVM_OK=0; PICOVM_KVM_WHY="cannot build the /dev/kvm probe"
  elif out=$("$probe"); then
    PICOVM_KVM_OK=1; PICOVM_KVM_WHY=
  else
    PICOVM_KVM_OK=0; PICOVM_KVM_WHY="no usable /dev/kvm: $out"
  fi
  export PICOVM_KVM_OK PICOVM_KVM_WHY
  if [ "$PICOVM_KVM_OK" = 0 ]; then
    echo "WARNING: $PICOVM_KVM_WHY: every KVM test is SKIPPED, not passed"
  fi
}
