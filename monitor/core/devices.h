/* Devices plug into the core instead of being wired into the VM by hand:
 * each says how it attaches at boot, which register window it serves, and
 * what it does in a forked monitor. */
#ifndef PICOVM_MONITOR_DEVICES_H
#define PICOVM_MONITOR_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct vcpu;

struct device {
    const char *name;
    uint64_t mmio_base, mmio_size;   /* its register window (guest physical) */
    /* At boot, with the VM built: -> 0, or -1 with a message in err. */
    int (*attach)(struct vm *vm, char *err, size_t errlen);
    /* A register access of len (<= 8) bytes at offset off of the window, on
     * the vCPU thread; data is the access's bytes (filled in for a read). */
    void (*mmio)(struct vm *vm, uint64_t off, uint8_t *data, unsigned len, bool is_write);
    /* In the monitor about to fork the child with that pid: what the child
     * must be reachable by from the moment its fork returns in the parent. */
    void (*prepare_fork)(struct vm *vm, int pid);
    /* In a forked monitor, before the guest runs again, for the child's pid. */
    void (*after_fork)(struct vm *vm, int pid);
};

/* Attaches each device of the NULL-terminated list. */
int devices_attach(struct vm *vm, const struct device *const *list, char *err, size_t errlen);
/* KVM_EXIT_MMIO: false if no device owns the address. */
bool devices_mmio(struct vcpu *vcpu);
void devices_prepare_fork(struct vm *vm, int pid);
void devices_after_fork(struct vm *vm, int pid);

#endif
