/* What kind of KVM this is.  On a PVM host (kvm_pvm, shadow paging without
 * VMX/SVM) guest CPL0 code is emulated, so the guest must stay at CPL3. */
#include <unistd.h>
#include "vm.h"

bool host_is_pvm(void) { return access("/sys/module/kvm_pvm", F_OK) == 0; }
