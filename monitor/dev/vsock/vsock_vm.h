/* The virtio-vsock device of a KVM VM: the VM's streams to the other
 * picoprocesses of the application, through the switch (vsock_switch.c). */
#ifndef PICOVM_MONITOR_VSOCK_VM_H
#define PICOVM_MONITOR_VSOCK_VM_H

struct device;
extern const struct device vsock_device;

#endif
