/* tmpfs mounts: one file system that every process of the application
 * shares, as on Linux, kept in a private host directory. */
#ifndef PICOVM_MONITOR_TMPFS_H
#define PICOVM_MONITOR_TMPFS_H

#include <stddef.h>
#include "manifest.h"

/* Adds the default mounts (a tmpfs at /dev/shm, and at /tmp unless it lies
 * on a writable mount), then gives each tmpfs mount a directory of its own
 * (its uri) in the application's directory on a host tmpfs, which goes when
 * the application ends (base/appdir.c).  Runs in the front, before
 * policy_init.  -> 0, or -1 with a message in err. */
int tmpfs_setup(struct pv_config *cfg, char *err, size_t errlen);

#endif
