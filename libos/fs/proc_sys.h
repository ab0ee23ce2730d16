/* /proc's machine-wide files and directories (proc_sys.c): meminfo, stat,
 * sys/kernel/..., indexed by their place in one table. */
#ifndef PICOVM_LIBOS_PROC_SYS_H
#define PICOVM_LIBOS_PROC_SYS_H

#include "fs/text.h"

/* The entry at rel ("meminfo", "sys/kernel"), -1 if none. */
int proc_sys_find(const char *rel);
bool proc_sys_is_dir(int i);
/* A file root may write (sys/fs/lease-break-time): its new value, in text. */
bool proc_sys_writable(int i);
long proc_sys_write(int i, const char *buf, size_t len);   /* -> 0 or -EINVAL */
/* A link's target (relative to /proc), NULL for a file or directory. */
const char *proc_sys_link(int i);
/* Its last path component. */
const char *proc_sys_name(int i);
/* The k-th entry of directory dir (-1: /proc itself), -1 past the last. */
int proc_sys_child(int dir, int k);
/* A file's text as it is now, in a new heap buffer. */
long proc_sys_text(int i, char **text, size_t *len);

/* proc_cpuinfo.c: /proc/cpuinfo from the CPUID instruction. */
void cpuinfo_text(struct text *t);

#endif
