/* The mount table as the program sees it (mountinfo.c). */
#ifndef PICOVM_LIBOS_MOUNTINFO_H
#define PICOVM_LIBOS_MOUNTINFO_H

#include "fs/file.h"
#include <asm/statfs.h>

/* statfs's answer for a file on m (NULL: above every mount point). */
void mount_statfs(struct mount *m, struct statfs *sf);
/* For a file on no mount (pipe, socket): Linux's internal pipefs and
 * sockfs; -ENOSYS for what has no such figures here (the console). */
long anon_statfs(unsigned int mode, struct statfs *sf);
/* /proc/self/mounts, or /proc/self/mountinfo, in a new heap buffer. */
long mounts_text(bool mountinfo, char **out, size_t *len);

#endif
