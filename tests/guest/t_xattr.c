// The extended-attribute calls, fallocate and statfs on a host mount.  Which
// file systems keep extended attributes, or reserve blocks, differs between
// machines (picovm's keep none): only Linux's own checks, which come before
// the file system is asked, and answers every file system gives are printed.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "check.h"
#include "scratch.h"

#define XATTR_CREATE 1
#define XATTR_REPLACE 2
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 1
#endif

/* An absent attribute: the file system has none of it, or keeps none at all. */
static int absent(long r) { return r == -1 && (errno == ENODATA || errno == EOPNOTSUPP); }

static void xattrs(const char *dir, const char *file)
{
    char name[300], big[1];
    int fd = open(file, O_RDONLY);
    CHECK("getxattr-absent", absent(syscall(SYS_getxattr, file, "user.picovm", big, sizeof big)));
    CHECK("lgetxattr-absent", absent(syscall(SYS_lgetxattr, file, "user.picovm", big, sizeof big)));
    CHECK("fgetxattr-absent", absent(syscall(SYS_fgetxattr, fd, "user.picovm", big, sizeof big)));
    CHECK("removexattr-absent", absent(syscall(SYS_removexattr, file, "user.picovm")));
    CHECK("listxattr", syscall(SYS_listxattr, file, NULL, 0) >= 0);
    CHECK("llistxattr", syscall(SYS_llistxattr, dir, NULL, 0) >= 0);
    CHECK("flistxattr", syscall(SYS_flistxattr, fd, NULL, 0) >= 0);
    CHECK("getxattr-empty-name-erange", FAILS_WITH(syscall(SYS_getxattr, file, "", big, sizeof big), ERANGE));
    memset(name, 'a', sizeof name - 1);
    name[sizeof name - 1] = 0;
    CHECK("getxattr-long-name-erange", FAILS_WITH(syscall(SYS_getxattr, file, name, big, sizeof big), ERANGE));
    CHECK("setxattr-bad-flags-einval",
          FAILS_WITH(syscall(SYS_setxattr, file, "user.a", "v", 1, XATTR_CREATE | XATTR_REPLACE | 4), EINVAL));
    CHECK("setxattr-too-big-e2big", FAILS_WITH(syscall(SYS_setxattr, file, "user.a", "v", 65537, 0), E2BIG));
    CHECK("setxattr-long-name-erange", FAILS_WITH(syscall(SYS_setxattr, file, name, "v", 1, 0), ERANGE));
    CHECK("getxattr-enoent", FAILS_WITH(syscall(SYS_getxattr, "/no/such/file", "user.a", big, 1), ENOENT));
    CHECK("setxattr-enoent", FAILS_WITH(syscall(SYS_setxattr, "/no/such/file", "user.a", "v", 1, 0), ENOENT));
    CHECK("listxattr-enoent", FAILS_WITH(syscall(SYS_listxattr, "/no/such/file", NULL, 0), ENOENT));
    CHECK("fgetxattr-ebadf", FAILS_WITH(syscall(SYS_fgetxattr, -1, "user.a", big, 1), EBADF));
    CHECK("fsetxattr-ebadf", FAILS_WITH(syscall(SYS_fsetxattr, -1, "user.a", "v", 1, 0), EBADF));
    CHECK("flistxattr-ebadf", FAILS_WITH(syscall(SYS_flistxattr, -1, NULL, 0), EBADF));
    CHECK("fremovexattr-ebadf", FAILS_WITH(syscall(SYS_fremovexattr, -1, "user.a"), EBADF));
    CHECK("getxattr-name-efault", FAILS_WITH(syscall(SYS_getxattr, file, (char *)8, big, 1), EFAULT));
    close(fd);
    /* An O_PATH descriptor is good for none of the f* calls. */
    fd = open(file, O_RDWR | O_PATH);
    CHECK("fgetxattr-opath-ebadf", FAILS_WITH(syscall(SYS_fgetxattr, fd, "user.a", big, 1), EBADF));
    CHECK("fsetxattr-opath-ebadf", FAILS_WITH(syscall(SYS_fsetxattr, fd, "user.a", "v", 1, 0), EBADF));
    CHECK("flistxattr-opath-ebadf", FAILS_WITH(syscall(SYS_flistxattr, fd, NULL, 0), EBADF));
    CHECK("fremovexattr-opath-ebadf", FAILS_WITH(syscall(SYS_fremovexattr, fd, "user.a"), EBADF));
    close(fd);
}

static void allocate(const char *file)
{
    struct stat st;
    int fd = open(file, O_RDWR), ro = open(file, O_RDONLY), p[2];
    CHECK("fallocate-keep-size", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 65536) == 0 && fstat(fd, &st) == 0 &&
                                     st.st_size == 5);
    CHECK("fallocate-grows", fallocate(fd, 0, 4096, 8192) == 0 && fstat(fd, &st) == 0 && st.st_size == 12288);
    CHECK("fallocate-within-keeps", fallocate(fd, 0, 0, 100) == 0 && fstat(fd, &st) == 0 && st.st_size == 12288);
    CHECK("fallocate-len-0-einval", FAILS_WITH(fallocate(fd, 0, 0, 0), EINVAL));
    CHECK("fallocate-negative-einval", FAILS_WITH(fallocate(fd, 0, -1, 10), EINVAL));
    CHECK("fallocate-readonly-ebadf", FAILS_WITH(fallocate(ro, 0, 0, 10), EBADF));
    CHECK("fallocate-ebadf", FAILS_WITH(fallocate(-1, 0, 0, 10), EBADF));
    CHECK("fallocate-bad-mode-eopnotsupp", FAILS_WITH(fallocate(fd, 0x100, 0, 10), EOPNOTSUPP));
    CHECK("fallocate-pipe-espipe", pipe(p) == 0 && FAILS_WITH(fallocate(p[1], 0, 0, 10), ESPIPE));
    CHECK("fallocate-efbig", FAILS_WITH(fallocate(fd, 0, 0x7fffffffffffff00LL, 0x1000), EFBIG));
    close(fd);
    close(ro);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char dir[PATH_MAX], file[PATH_MAX];
    scratch_dir(dir, "T_RW", "t_xattr");
    path_join(file, dir, "f");
    int fd = open(file, O_CREAT | O_WRONLY, 0644);
    CHECK("create", fd >= 0 && write(fd, "hello", 5) == 5 && close(fd) == 0);
    xattrs(dir, file);
    allocate(file);
    /* A host mount's figures are its file system's. */
    struct statfs s;
    CHECK("statfs-rw-blocks", statfs(dir, &s) == 0 && s.f_blocks > 0 && s.f_bfree <= s.f_blocks &&
                                  s.f_bavail <= s.f_bfree && s.f_bsize > 0 && s.f_namelen > 0);
    remove_tree(dir);
    return check_failures ? 1 : 0;
}
