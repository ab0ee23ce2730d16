/* The header the monitor reads at GPA_IMAGE to find the guest's entry points. */
#include "layout.h"
#include "percpu.h"

extern char guest_entry[], syscall_entry[], idt_stubs[], __image_end[];
extern struct percpu percpu_area[GUEST_MAX_VCPUS];

__attribute__((section(".image_header"), used))
static const struct guest_image_header image_header = {
    .magic = GUEST_IMAGE_MAGIC,
    .version = GUEST_IMAGE_VERSION,
    .entry = (unsigned long long)guest_entry,
    .syscall_entry = (unsigned long long)syscall_entry,
    .idt_stubs = (unsigned long long)idt_stubs,
    .image_end = (unsigned long long)__image_end,
    .percpu = (unsigned long long)percpu_area,
    .percpu_size = sizeof(struct percpu),
};
