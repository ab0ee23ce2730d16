/* The devices of this monitor's VM (devices.h). */
#include <string.h>
#include "devices.h"
#include "kvm/vm.h"

#define MAX_DEVICES 4

static const struct device *attached[MAX_DEVICES];
static unsigned ndevices;

int devices_attach(struct vm *vm, const struct device *const *list, char *err, size_t errlen)
{
    for (; *list; list++) {
        if (ndevices == MAX_DEVICES || (*list)->attach(vm, err, errlen) < 0)
            return -1;
        attached[ndevices++] = *list;
    }
    return 0;
}

bool devices_mmio(struct vcpu *vcpu)
{
    struct kvm_run *run = vcpu->run;
    for (unsigned i = 0; i < ndevices; i++) {
        const struct device *d = attached[i];
        uint64_t off = run->mmio.phys_addr - d->mmio_base;
        if (run->mmio.phys_addr < d->mmio_base || off >= d->mmio_size)
            continue;
        unsigned len = run->mmio.len <= 8 ? run->mmio.len : 8;
        d->mmio(vcpu->vm, off, run->mmio.data, len, run->mmio.is_write);
        return true;
    }
    return false;
}

void devices_prepare_fork(struct vm *vm, int pid)
{
    for (unsigned i = 0; i < ndevices; i++)
        if (attached[i]->prepare_fork)
            attached[i]->prepare_fork(vm, pid);
}

void devices_after_fork(struct vm *vm, int pid)
{
    for (unsigned i = 0; i < ndevices; i++)
        if (attached[i]->after_fork)
            attached[i]->after_fork(vm, pid);
}
