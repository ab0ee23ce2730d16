/* Private host directories that live exactly as long as the application:
 * the vsock switch's sockets, the files of its tmpfs mounts. */
#ifndef PICOVM_MONITOR_APPDIR_H
#define PICOVM_MONITOR_APPDIR_H

#include <stddef.h>

/* Makes "<base>/picovm-XXXXXX" (mode 0700) into path (size bytes), first
 * removing the directories of applications that were killed whole from base.
 * Called by the front before the first monitor splits off: every process of
 * the application inherits the lock that marks the directory as in use.
 * -> 0 or -errno. */
int appdir_create(const char *base, char *path, size_t size);
/* Removes every directory appdir_create made, with all it holds, whatever a
 * guest left there (nested directories, symbolic links, modes that deny us).
 * Async-signal-safe, and allowed by the monitor's seccomp filter. */
void appdir_remove_all(void);

#endif
