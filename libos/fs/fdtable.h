/* The descriptor table of this picoprocess (fdtable.c). */
#ifndef PICOVM_LIBOS_FDTABLE_H
#define PICOVM_LIBOS_FDTABLE_H

#include "fs/file.h"

/* The table's size, which is also RLIMIT_NOFILE's hard limit and its
 * default soft limit (Linux's default soft limit). */
#define MAX_FDS 1024
/* Descriptors at or past this are refused: RLIMIT_NOFILE's soft limit, which
 * the program may lower and raise again up to MAX_FDS. */
int fd_limit(void);
long fd_install(struct file *f, int min_fd, bool cloexec);  /* takes the caller's reference, drops it on failure */
/* The table itself, written only by fdtable.c: every read and write looks
 * a descriptor up, so the lookup is inline. */
extern struct file *fd_table[MAX_FDS];
static inline struct file *fd_file(int fd)   /* borrowed; NULL if not open */
{
    return fd >= 0 && fd < MAX_FDS ? fd_table[fd] : NULL;
}
long fd_close(int fd);
/* dup2: installs f at exactly fd, closing what was there. Takes the reference. */
long fd_install_at(int fd, struct file *f, bool cloexec);
bool fd_get_cloexec(int fd);
void fd_set_cloexec(int fd, bool cloexec);
void fd_close_on_exec(void);
/* The program ended: every descriptor goes (the others see its pipes end). */
void fd_close_all(void);

#endif
