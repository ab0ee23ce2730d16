/* The PAL's file streams straight onto this host's file system (uri
 * "file:/abs/path", no policy): host-side tests of the library OS get real
 * chroot and tmpfs mounts.  A file of its own, away from the library OS's
 * headers, whose struct stat is the kernel's and not the C library's. */
#ifndef PICOVM_TEST_HOST_FILES_PAL_H
#define PICOVM_TEST_HOST_FILES_PAL_H

#include "pal.h"

/* Fills the stream calls on files of ops. */
void host_files_pal(struct pal_ops *ops);

#endif
