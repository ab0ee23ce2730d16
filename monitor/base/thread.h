/* The monitor's helper threads (PAL server, timer, vsock device). */
#ifndef PICOVM_MONITOR_THREAD_H
#define PICOVM_MONITOR_THREAD_H

#include <sched.h>
#include <stddef.h>

/* A detached thread with a small stack; cpus NULL: anywhere.  -> 0 or a pthread error. */
int thread_start(void *(*fn)(void *), void *arg, size_t stack_size, const cpu_set_t *cpus);

#endif
