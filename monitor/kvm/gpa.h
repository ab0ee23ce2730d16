/* Guest memory and the VM's event fds, through an opaque struct vm: what PAL
 * handlers and devices need of a VM (host tests put a fake VM behind it). */
#ifndef PICOVM_MONITOR_GPA_H
#define PICOVM_MONITOR_GPA_H

#include <stdint.h>

struct vm;

/* Every guest-supplied address goes through gpa_range(): NULL unless
 * [gpa, gpa+len) lies entirely inside guest RAM. */
void *gpa_range(struct vm *vm, uint64_t gpa, uint64_t len);
/* A guest string of at most len bytes including its NUL; NULL if it is not
 * all inside RAM or not terminated. */
const char *gpa_string(struct vm *vm, uint64_t gpa, uint64_t len);
/* An eventfd in every wait the monitor does for the guest: writing 1 to it
 * ends a blocked wait with -EINTR (a signal for the guest), or the next one
 * if none is in progress. */
int vm_wakeup_fd(struct vm *vm);
/* Readable when a device has put something in the guest's used rings since
 * the guest last slept (whoever wakes on it reads it to reset it). */
int vm_news_fd(struct vm *vm);

#endif
