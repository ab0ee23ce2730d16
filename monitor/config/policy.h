/* File-system policy from the manifest's mounts (chroot, and tmpfs mounts,
 * which are host directories too): every host name the guest reaches goes
 * through here. */
#ifndef PICOVM_MONITOR_POLICY_H
#define PICOVM_MONITOR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include "manifest.h"

int policy_init(const struct pv_config *cfg, char *err, size_t errlen);
/* Opens uri ("file:/abs/host/path") with Linux open flags, confined beneath the
 * mount that owns it (no escape by "..", absolute or relative symlinks) and
 * read-only unless that mount is writable.  -> host fd or negative errno.
 * Flags are masked to a safe set (O_CLOEXEC always added); O_PATH is kept for
 * the monitor's own metadata lookups (HC_STAT), callers passing guest flags
 * strip it. */
int policy_open(const char *uri, int flags, int mode);
/* Splits uri into the dirfd of its parent beneath the owning mount and the
 * final component, for calls that act on a name (mkdir, unlink, rename, stat,
 * readlink).  want_write demands a writable mount (-EROFS). -> 0 or negative errno.
 * The caller closes *dirfd.  name is "" when uri is a mount root itself (then
 * *dirfd is that root; with want_write that is -EBUSY). */
int policy_parent(const char *uri, bool want_write, int *dirfd, char *name, size_t namelen);

#endif
