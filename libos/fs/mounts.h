/* The mount table (mounts.c). */
#ifndef PICOVM_LIBOS_MOUNTS_H
#define PICOVM_LIBOS_MOUNTS_H

#include "fs/file.h"

/* Set up mounts from the boot info, /dev, and descriptors 0-2 on the console. */
long vfs_init(const struct pal_public_state *ps);

/* Mount owning an absolute normalised path; *rel points into abs. */
struct mount *vfs_mount_of(const char *abs, const char **rel);

#endif
