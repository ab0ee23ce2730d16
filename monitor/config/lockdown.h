/* The last step of setup, before the guest first runs. */
#ifndef PICOVM_MONITOR_LOCKDOWN_H
#define PICOVM_MONITOR_LOCKDOWN_H

#include <stddef.h>

/* No new privileges and a seccomp allowlist for every thread of the monitor.
 * -> 0, or -1 with a message in err. */
int monitor_lockdown(char *err, size_t errlen);

#endif
