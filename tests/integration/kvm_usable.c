/* Exits 0 if /dev/kvm can really run a VM here (opens, speaks API 12, creates a
 * VM); otherwise prints why on stdout and exits 1.  The test runners skip every
 * KVM test, loudly, on its word. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("/dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		printf("/dev/kvm: API version %d, want %d\n", api, KVM_API_VERSION);
		return 1;
	}
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		printf("/dev/kvm: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	close(vm);
	close(kvm);
	return 0;
}
