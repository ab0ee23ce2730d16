// UNIT-SOURCES: monitor/core/pal_server.c monitor/config/policy.c monitor/pal/files.c monitor/pal/fifo.c monitor/pal/futex.c monitor/kvm/guest_mem.c monitor/pal/tty.c monitor/pal/misc.c monitor/pal/notify.c monitor/pal/calls.c monitor/proc/children.c monitor/proc/pidns.c monitor/pal/pipes.c monitor/pal/poll.c monitor/core/upcall.c monitor/base/log.c monitor/base/thread.c monitor/base/waiting.c monitor/pal/space.c monitor/pal/evfd.c
/* Host side of PAL calls: the handlers run against a fake guest RAM and a
 * policy over temporary directories, with hostile arguments; confinement
 * (no escape, read-only mounts) and fd hygiene are checked on the host. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <linux/falloc.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/waiting.h"
#include "config/policy.h"
#include "core/pal_server.h"
#include "core/upcall.h"
#include "pal/calls.h"
#include "proc/proc.h"
#include "hypercall.h"
#include "layout.h"
#include "bootinfo.h"
#include "count_fds.h"
#include "expect.h"
#include "fake_vm.h"

#define RAM_SIZE (8ull << 20)   /* above GPA_RAM_POOL, so HC_VM_FREE has room */
#define URI1     0x10000ull
#define URI2     0x12000ull
#define BUF      0x20000ull
#define BUFSIZE  0x10000ull
#define STAT     0x40000ull
#define ATTR     0x48000ull
#define SECRET   "TOPSECRET-CONTENT"
/* A buffer of four pages high in the address space over scattered frames
 * (the first two contiguous), a hole, then a read-only page. */
#define HIGH     0x7f0000000000ull
#define PAGE     GUEST_PAGE_SIZE
static const uint64_t high_frames[] = { 0x60000, 0x61000, 0x50000, 0x70000 };
#define HIGH_RO  (HIGH + 5 * PAGE)

static struct vm vm;
static char tmp[256];

static int64_t hc(int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    const uint64_t a[6] = { a0, a1, a2, a3, a4, 0 };
    return pal_call(&vm, (unsigned)nr, a);
}



/* Puts "file:<tmp><rel>" at gpa; -> its length. */
static uint64_t put_uri(uint64_t gpa, const char *rel)
{
    return (uint64_t)snprintf((char *)vm.ram + gpa, 0x2000, "file:%s%s", tmp, rel);
}

/* A call whose first two arguments are a uri under tmp. */
static int64_t hc_uri(int nr, const char *rel, uint64_t a2, uint64_t a3)
{
    uint64_t len = put_uri(URI1, rel);
    return hc(nr, URI1, len, a2, a3, 0);
}

static int64_t open_rel(const char *rel, int flags, int mode)
{
    return hc_uri(HC_OPEN, rel, (uint32_t)flags, (uint64_t)mode);
}

static char *host_path(const char *rel)
{
    static char p[512];
    snprintf(p, sizeof p, "%s%s", tmp, rel);
    return p;
}

static char *host_read(const char *rel)
{
    static char buf[256];
    memset(buf, 0, sizeof buf);
    int fd = open(host_path(rel), O_RDONLY);
    if (fd < 0)
        return NULL;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    return n < 0 ? NULL : buf;
}

static void host_write(const char *rel, const char *text)
{
    int fd = open(host_path(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        perror(rel);
        exit(2);
    }
    close(fd);
}

static void host_mkdir(const char *rel)
{
    if (mkdir(host_path(rel), 0755)) {
        perror(rel);
        exit(2);
    }
}

static void host_symlink(const char *target, const char *rel)
{
    if (symlink(target, host_path(rel))) {
        perror(rel);
        exit(2);
    }
}

static bool host_exists(const char *rel)
{
    struct stat st;
    return lstat(host_path(rel), &st) == 0;
}

/* The mounts: /data (rw) with a read-only mount nested inside it, /ro, and a
 * tmpfs, whose directory is one more writable root (config/tmpfs.c). */
static struct pv_mount mounts[4];
static char uri_rw[300], uri_ro[300], uri_nested[300], uri_tmpfs[300];

static int init_policy(bool nested)
{
    snprintf(uri_rw, sizeof uri_rw, "file:%s/rw/", tmp);   /* trailing '/' is normalized away */
    snprintf(uri_ro, sizeof uri_ro, "file:%s//ro", tmp);
    snprintf(uri_nested, sizeof uri_nested, "file:%s/rw/nested_ro", tmp);
    snprintf(uri_tmpfs, sizeof uri_tmpfs, "file:%s/tmpfs", tmp);
    mounts[0] = (struct pv_mount){ .path = "/data", .uri = uri_rw, .type = MOUNT_CHROOT,
                                   .writable = true };
    mounts[1] = (struct pv_mount){ .path = "/ro", .uri = uri_ro, .type = MOUNT_CHROOT };
    mounts[2] = (struct pv_mount){ .path = "/tmp", .uri = uri_tmpfs, .type = MOUNT_TMPFS,
                                   .writable = true };
    mounts[3] = (struct pv_mount){ .path = "/data/nested", .uri = uri_nested,
                                   .type = MOUNT_CHROOT };
    struct pv_config cfg = { .mounts = mounts, .nmounts = nested ? 4 : 3 };
    char err[256];
    if (policy_init(&cfg, err, sizeof err)) {
        printf("FAIL policy_init: %s\n", err);
        exit(1);
    }
    return 0;
}

static void setup_tree(void)
{
    strcpy(tmp, "/tmp/picovm-test-hc-XXXXXX");
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        exit(2);
    }
    host_mkdir("/outside");
    host_write("/outside/secret.txt", SECRET "\n");
    host_mkdir("/rw");
    host_mkdir("/rw/sub");
    host_write("/rw/file.txt", "hello");
    host_symlink("file.txt", "/rw/link_in");
    host_symlink("../outside/secret.txt", "/rw/link_out");
    char abs[400];
    snprintf(abs, sizeof abs, "%s/outside/secret.txt", tmp);
    host_symlink(abs, "/rw/link_abs");
    host_symlink("../..", "/rw/link_up");
    host_symlink("/", "/rw/link_root");
    host_symlink("../../outside", "/rw/sub/up2");
    host_mkdir("/rw/nested_ro");
    host_write("/rw/nested_ro/keep.txt", "keep");
    host_symlink("nested_ro", "/rw/to_nested");
    host_mkdir("/ro");
    host_write("/ro/data.txt", "readonly");
    host_mkdir("/tmpfs");
}

static void test_table(void)
{
    /* Exit and fork never reach a handler: the vCPU's thread carries them out. */
    EXPECT(hc(HC_EXIT, 0, 0, 0, 0, 0) == -ENOSYS, "HC_EXIT is carried out by the vCPU thread");
    EXPECT(hc(HC_FORK, 0, 0, 0, 0, 0) == -ENOSYS, "HC_FORK is carried out by the vCPU thread");
    /* Every other call is served: a handle call on no handle answers -EBADF. */
    for (int nr = HC_EXIT + 1; nr <= HC_MKFIFO; nr++)
        EXPECT(hc(nr, 999, 0, 0, 0, 0) != -ENOSYS, "no handler for %d", nr);
    EXPECT(hc(HC_NR_CALLS - 1, 0, 0, 0, 0, 0) == -ENOSYS, "an unknown call is -ENOSYS");
}

static void test_open_read(void)
{
    int64_t h = open_rel("/rw/file.txt", O_RDONLY, 0);
    EXPECT(h >= 3, "open -> %lld", (long long)h);
    memset(vm.ram + BUF, 0, 16);
    EXPECT_EQ(hc(HC_READ, h, BUF, 100, -1, 0), 5);
    EXPECT(memcmp(vm.ram + BUF, "hello", 5) == 0, "read content");
    EXPECT_EQ(hc(HC_READ, h, BUF, 100, -1, 0), 0);
    EXPECT_EQ(hc(HC_READ, h, BUF, 3, 1, 0), 3);
    EXPECT(memcmp(vm.ram + BUF, "ell", 3) == 0, "pread content");
    EXPECT_EQ(hc(HC_READ, h, BUF, 0, -1, 0), 0);
    EXPECT_EQ(hc(HC_READ, h, BUF, 10, -2, 0), -EINVAL);
    EXPECT_EQ(hc(HC_SEEK, h, 1, SEEK_SET, 0, 0), 1);
    EXPECT_EQ(hc(HC_SEEK, h, 0, 99, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_SEEK, h, 0, 1ull << 40, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_READ, h, BUF, 2, -1, 0), 2);
    EXPECT(memcmp(vm.ram + BUF, "el", 2) == 0, "read after seek");
    EXPECT_EQ(hc(HC_WRITE, h, BUF, 2, -1, 0), -EBADF);   /* opened read-only */
    EXPECT_EQ(hc(HC_CLOSE, h, 0, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_CLOSE, h, 0, 0, 0, 0), -EBADF);
    EXPECT_EQ(hc(HC_READ, h, BUF, 1, -1, 0), -EBADF);
    /* A uri may count its NUL or not. */
    uint64_t len = put_uri(URI1, "/rw/file.txt");
    h = hc(HC_OPEN, URI1, len + 1, O_RDONLY, 0, 0);
    EXPECT(h >= 3, "open with NUL counted -> %lld", (long long)h);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
    /* Reading a mount root as a directory works, opening it for write does not. */
    h = open_rel("/ro", O_RDONLY | O_DIRECTORY, 0);
    EXPECT(h >= 3, "open ro root -> %lld", (long long)h);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
}

static void test_write(void)
{
    int64_t h = open_rel("/rw/new.txt", O_CREAT | O_WRONLY | O_TRUNC | O_EXCL, 06755);
    EXPECT(h >= 3, "create -> %lld", (long long)h);
    memcpy(vm.ram + BUF, "abcde", 5);
    EXPECT_EQ(hc(HC_WRITE, h, BUF, 3, -1, 0), 3);
    EXPECT_EQ(hc(HC_WRITE, h, BUF + 3, 2, 3, 0), 2);
    EXPECT_EQ(hc(HC_WRITE, h, BUF, 1, INT64_MAX, 0), -EINVAL);
    EXPECT_EQ(hc(HC_FSYNC, h, 0, 0, 0, 0), 0);
    char *got = host_read("/rw/new.txt");
    EXPECT(got && strcmp(got, "abcde") == 0, "host sees '%s'", got ? got : "(null)");
    struct stat st;
    EXPECT(stat(host_path("/rw/new.txt"), &st) == 0 && (st.st_mode & 07000) == 0,
           "set-id bits dropped: mode %o", st.st_mode);
    EXPECT_EQ(hc(HC_FSTAT, h, STAT, 0, 0, 0), 0);
    struct hc_stat *hs = (struct hc_stat *)(vm.ram + STAT);
    EXPECT_EQ(hs->size, 5);
    EXPECT_EQ(hs->ino, st.st_ino);
    EXPECT_EQ(hc(HC_TRUNCATE, h, 2, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_FSTAT, h, STAT, 0, 0, 0), 0);
    EXPECT_EQ(hs->size, 2);
    EXPECT_EQ(hc(HC_TRUNCATE, h, (uint64_t)-1, 0, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_CLOSE, h, 0, 0, 0, 0), 0);
    EXPECT_EQ(open_rel("/rw/new.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST);
    /* Truncating a handle opened read-only fails at the host. */
    h = open_rel("/rw/new.txt", O_RDONLY, 0);
    EXPECT_EQ(hc(HC_TRUNCATE, h, 0, 0, 0, 0), -EINVAL);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
    h = open_rel("/rw/file.txt", (int)0x80000000u | O_RDONLY, 0);   /* unknown bits are dropped */
    EXPECT(h >= 3, "open with junk flags -> %lld", (long long)h);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
    h = hc(HC_OPEN, URI1, put_uri(URI1, "/rw/file.txt"), 0xffffffff00000000ull | O_RDONLY, 0, 0);
    EXPECT(h >= 3, "flags are an int: upper bits ignored -> %lld", (long long)h);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
}

static void test_stat(void)
{
    struct hc_stat *hs = (struct hc_stat *)(vm.ram + STAT);
    EXPECT_EQ(hc_uri(HC_STAT, "/rw/file.txt", STAT, 0), 0);
    EXPECT(S_ISREG(hs->mode) && hs->size == 5, "file.txt mode %o size %lld", hs->mode, hs->size);
    EXPECT_EQ(hc_uri(HC_STAT, "/rw/link_in", STAT, 1), 0);
    EXPECT(S_ISLNK(hs->mode), "nofollow sees the link: mode %o", hs->mode);
    EXPECT_EQ(hc_uri(HC_STAT, "/rw/link_in", STAT, 0), 0);
    EXPECT(S_ISREG(hs->mode), "follow sees the file: mode %o", hs->mode);
    EXPECT_EQ(hc_uri(HC_STAT, "/rw", STAT, 1), 0);
    EXPECT(S_ISDIR(hs->mode), "mount root, nofollow: mode %o", hs->mode);
    EXPECT_EQ(hc_uri(HC_STAT, "/ro/", STAT, 0), 0);
    EXPECT(S_ISDIR(hs->mode), "mount root, follow: mode %o", hs->mode);
    EXPECT_EQ(hc_uri(HC_STAT, "/rw/./sub/../file.txt", STAT, 0), 0);
    EXPECT_EQ(hc_uri(HC_STAT, "/rw/missing", STAT, 0), -ENOENT);
    EXPECT_EQ(hc_uri(HC_STAT, "/rw/file.txt", RAM_SIZE - 8, 0), -EFAULT);
}

static void test_getdents(void)
{
    int64_t h = open_rel("/rw", O_RDONLY | O_DIRECTORY, 0);
    EXPECT(h >= 3, "open dir -> %lld", (long long)h);
    int64_t n = hc(HC_GETDENTS, h, BUF, BUFSIZE, 0, 0);
    EXPECT(n > 0, "getdents -> %lld", (long long)n);
    bool file = false, sub = false;
    for (int64_t off = 0; off < n;) {
        struct dirent64 *d = (struct dirent64 *)(vm.ram + BUF + off);
        file |= strcmp(d->d_name, "file.txt") == 0;
        sub |= strcmp(d->d_name, "sub") == 0;
        off += d->d_reclen;
    }
    EXPECT(file && sub, "entries file.txt=%d sub=%d", file, sub);
    EXPECT_EQ(hc(HC_GETDENTS, h, BUF, BUFSIZE, 0, 0), 0);
    EXPECT_EQ(hc(HC_GETDENTS, h, RAM_SIZE - 16, 4096, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_GETDENTS, h, BUF, HC_MAX_IO + 1, 0, 0), -EINVAL);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
    h = open_rel("/rw/file.txt", O_RDONLY, 0);
    EXPECT_EQ(hc(HC_GETDENTS, h, BUF, BUFSIZE, 0, 0), -ENOTDIR);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
}

static void test_names(void)
{
    EXPECT_EQ(hc_uri(HC_MKDIR, "/rw/d1", 0755, 0), 0);
    EXPECT(host_exists("/rw/d1"), "d1 made");
    EXPECT_EQ(hc_uri(HC_MKDIR, "/rw/d1", 0755, 0), -EEXIST);
    EXPECT_EQ(hc_uri(HC_MKDIR, "/rw", 0755, 0), -EBUSY);
    uint64_t l1 = put_uri(URI1, "/rw/new.txt"), l2 = put_uri(URI2, "/rw/d1/moved.txt");
    EXPECT_EQ(hc(HC_RENAME, URI1, l1, URI2, l2, 0), 0);
    EXPECT(host_exists("/rw/d1/moved.txt") && !host_exists("/rw/new.txt"), "renamed");
    EXPECT_EQ(hc(HC_RENAME, URI1, l1, URI2, l2, 0), -ENOENT);
    EXPECT_EQ(hc(HC_RENAME, URI1, l1, URI2 + RAM_SIZE, l2, 0), -EFAULT);
    EXPECT_EQ(hc_uri(HC_UNLINK, "/rw/d1", 1, 0), -ENOTEMPTY);
    EXPECT_EQ(hc_uri(HC_UNLINK, "/rw/d1/moved.txt", 0, 0), 0);
    EXPECT_EQ(hc_uri(HC_UNLINK, "/rw/d1", 0, 0), -EISDIR);
    EXPECT_EQ(hc_uri(HC_UNLINK, "/rw/d1", 1, 0), 0);
    EXPECT(!host_exists("/rw/d1"), "d1 removed");
    EXPECT_EQ(hc_uri(HC_UNLINK, "/rw", 1, 0), -EBUSY);
    EXPECT_EQ(hc_uri(HC_READLINK, "/rw/link_in", BUF, 100), 8);
    EXPECT(memcmp(vm.ram + BUF, "file.txt", 8) == 0, "readlink content");
    EXPECT_EQ(hc_uri(HC_READLINK, "/rw/link_in", BUF, 0), -EINVAL);
    EXPECT_EQ(hc_uri(HC_READLINK, "/rw/link_in", RAM_SIZE - 2, 100), -EFAULT);
    EXPECT_EQ(hc_uri(HC_READLINK, "/rw/file.txt", BUF, 100), -EINVAL);
}

/* No way out of a mount: "..", absolute and relative symlinks, and paths
 * that belong to no mount. */
static void test_escapes(void)
{
    static const char *const outside[] = {
        "/rw/link_out", "/rw/link_abs", "/rw/link_up/outside/secret.txt",
        "/rw/link_root/etc/passwd", "/rw/sub/up2/secret.txt", "/rw/../outside/secret.txt",
        "/outside/secret.txt", "/rw/sub/../../outside/secret.txt",
    };
    for (size_t i = 0; i < sizeof outside / sizeof *outside; i++) {
        EXPECT_EQ(open_rel(outside[i], O_RDONLY, 0), -EACCES);
        EXPECT_EQ(hc_uri(HC_STAT, outside[i], STAT, 0), -EACCES);
    }
    EXPECT_EQ(hc_uri(HC_STAT, "/rw/link_up/outside", STAT, 1), -EACCES);
    EXPECT_EQ(hc_uri(HC_MKDIR, "/rw/link_up/evil", 0755, 0), -EACCES);
    EXPECT_EQ(hc_uri(HC_UNLINK, "/rw/link_up/outside/secret.txt", 0, 0), -EACCES);
    EXPECT_EQ(hc_uri(HC_READLINK, "/rw/link_up/outside/x", BUF, 100), -EACCES);
    uint64_t l1 = put_uri(URI1, "/rw/file.txt"), l2 = put_uri(URI2, "/rw/link_up/outside/stolen");
    EXPECT_EQ(hc(HC_RENAME, URI1, l1, URI2, l2, 0), -EACCES);
    l1 = put_uri(URI1, "/rw/link_up/outside/secret.txt");
    l2 = put_uri(URI2, "/rw/stolen");
    EXPECT_EQ(hc(HC_RENAME, URI1, l1, URI2, l2, 0), -EACCES);
    EXPECT(host_exists("/outside/secret.txt") && !host_exists("/outside/evil") &&
           !host_exists("/rw/stolen"), "outside untouched");
    /* The link itself (not its target) is inside: lstat and readlink see it. */
    EXPECT_EQ(hc_uri(HC_STAT, "/rw/link_out", STAT, 1), 0);
    EXPECT_EQ(hc_uri(HC_READLINK, "/rw/link_out", BUF, 100), 21);
    /* Not a file: uri, or not absolute, or no mount owns it. */
    strcpy((char *)vm.ram + URI1, "dir:/etc");
    EXPECT_EQ(hc(HC_OPEN, URI1, 8, O_RDONLY, 0, 0), -EINVAL);
    strcpy((char *)vm.ram + URI1, "file:etc/passwd");
    EXPECT_EQ(hc(HC_OPEN, URI1, 15, O_RDONLY, 0, 0), -EINVAL);
    strcpy((char *)vm.ram + URI1, "file:/etc/passwd");
    EXPECT_EQ(hc(HC_OPEN, URI1, 16, O_RDONLY, 0, 0), -EACCES);
    strcpy((char *)vm.ram + URI1, "file:/");
    EXPECT_EQ(hc(HC_OPEN, URI1, 6, O_RDONLY, 0, 0), -EACCES);
    /* A mount root is matched by whole components only. */
    EXPECT_EQ(open_rel("/rwx", O_RDONLY, 0), -EACCES);
    EXPECT(!memmem(vm.ram, RAM_SIZE, "TOPSECRET", 9), "secret reached guest memory");
}

static void test_readonly(void)
{
    EXPECT_EQ(open_rel("/ro/data.txt", O_WRONLY, 0), -EROFS);
    EXPECT_EQ(open_rel("/ro/data.txt", O_RDWR, 0), -EROFS);
    EXPECT_EQ(open_rel("/ro/data.txt", O_RDONLY | O_TRUNC, 0), -EROFS);
    EXPECT_EQ(open_rel("/ro/data.txt", O_RDONLY | O_APPEND, 0), -EROFS);
    EXPECT_EQ(open_rel("/ro/new", O_RDONLY | O_CREAT, 0644), -EROFS);
    EXPECT_EQ(hc_uri(HC_MKDIR, "/ro/d", 0755, 0), -EROFS);
    EXPECT_EQ(hc_uri(HC_UNLINK, "/ro/data.txt", 0, 0), -EROFS);
    uint64_t l1 = put_uri(URI1, "/ro/data.txt"), l2 = put_uri(URI2, "/rw/taken");
    EXPECT_EQ(hc(HC_RENAME, URI1, l1, URI2, l2, 0), -EROFS);
    l1 = put_uri(URI1, "/rw/file.txt");
    l2 = put_uri(URI2, "/ro/planted");
    EXPECT_EQ(hc(HC_RENAME, URI1, l1, URI2, l2, 0), -EROFS);
    /* The nested read-only mount, by its own path and through the writable parent. */
    EXPECT_EQ(open_rel("/rw/nested_ro/keep.txt", O_WRONLY, 0), -EROFS);
    EXPECT_EQ(open_rel("/rw/sub/../nested_ro/keep.txt", O_WRONLY, 0), -EROFS);
    EXPECT_EQ(open_rel("/rw/to_nested/keep.txt", O_WRONLY, 0), -EACCES);
    EXPECT_EQ(hc_uri(HC_UNLINK, "/rw/to_nested/keep.txt", 0, 0), -EACCES);
    EXPECT_EQ(hc_uri(HC_UNLINK, "/rw/nested_ro", 1, 0), -EROFS);
    l1 = put_uri(URI1, "/rw/nested_ro");
    l2 = put_uri(URI2, "/rw/moved_ro");
    EXPECT_EQ(hc(HC_RENAME, URI1, l1, URI2, l2, 0), -EROFS);
    int64_t h = open_rel("/rw/to_nested/keep.txt", O_RDONLY, 0);
    EXPECT(h >= 3, "reading through the symlink is fine: %lld", (long long)h);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
    h = open_rel("/ro/data.txt", O_RDONLY, 0);
    EXPECT(h >= 3, "ro read -> %lld", (long long)h);
    EXPECT_EQ(hc(HC_WRITE, h, BUF, 1, -1, 0), -EBADF);
    EXPECT_EQ(hc(HC_TRUNCATE, h, 0, 0, 0, 0), -EINVAL);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
    char *got = host_read("/ro/data.txt");
    EXPECT(got && strcmp(got, "readonly") == 0, "ro file changed: %s", got ? got : "(null)");
    got = host_read("/rw/nested_ro/keep.txt");
    EXPECT(got && strcmp(got, "keep") == 0, "nested ro file changed");
    EXPECT(!host_exists("/ro/planted") && !host_exists("/ro/new") && !host_exists("/ro/d"),
           "ro mount written");
}

/* Without a read-only mount beneath it, a writable mount follows symlinks for writes. */
static void test_writable_symlink(void)
{
    init_policy(false);
    int64_t h = open_rel("/rw/link_in", O_WRONLY | O_APPEND, 0);
    EXPECT(h >= 3, "write through inner link -> %lld", (long long)h);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
    EXPECT_EQ(open_rel("/rw/link_out", O_WRONLY, 0), -EACCES);
    EXPECT_EQ(hc_uri(HC_MKDIR, "/rw/link_up/evil", 0755, 0), -EACCES);
    EXPECT_EQ(hc_uri(HC_MKDIR, "/rw/link_root/evil", 0755, 0), -EACCES);
    EXPECT(!host_exists("/evil"), "mkdir escaped");
    init_policy(true);
}

/* HC_SETATTR on the uri rel with the change at ATTR. */
static int64_t set_attr(const char *rel, struct hc_attr at, bool nofollow)
{
    memcpy(vm.ram + ATTR, &at, sizeof at);
    return hc_uri(HC_SETATTR, rel, ATTR, nofollow);
}

static int64_t make_symlink(const char *target, const char *rel)
{
    uint64_t tlen = (uint64_t)snprintf((char *)vm.ram + URI2, 0x2000, "%s", target);
    uint64_t len = put_uri(URI1, rel);
    return hc(HC_SYMLINK, URI2, tlen + 1, URI1, len, 0);
}

static mode_t host_mode(const char *rel)
{
    struct stat st;
    return lstat(host_path(rel), &st) ? (mode_t)-1 : st.st_mode & 07777;
}

static void test_symlink(void)
{
    int fds = count_fds();
    EXPECT_EQ(make_symlink("file.txt", "/rw/made_link"), 0);
    char got[64] = "";
    EXPECT(readlink(host_path("/rw/made_link"), got, sizeof got - 1) == 8 && !strcmp(got, "file.txt"),
           "host readlink '%s'", got);
    EXPECT_EQ(hc_uri(HC_READLINK, "/rw/made_link", BUF, 100), 8);
    EXPECT(memcmp(vm.ram + BUF, "file.txt", 8) == 0, "readlink back");
    int64_t h = open_rel("/rw/made_link", O_RDONLY, 0);
    EXPECT(h >= 3, "open through the new link -> %lld", (long long)h);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
    EXPECT_EQ(make_symlink("other", "/rw/made_link"), -EEXIST);
    EXPECT_EQ(make_symlink("x", "/rw"), -EBUSY);
    /* Any text is a target; what it names stays out of reach. */
    EXPECT_EQ(make_symlink("../outside/secret.txt", "/rw/made_out"), 0);
    EXPECT_EQ(make_symlink("/etc/passwd", "/rw/made_abs"), 0);
    EXPECT_EQ(open_rel("/rw/made_out", O_RDONLY, 0), -EACCES);
    EXPECT_EQ(open_rel("/rw/made_abs", O_RDONLY, 0), -EACCES);
    EXPECT_EQ(make_symlink("x", "/rw/link_up/outside/planted"), -EACCES);
    EXPECT(!host_exists("/outside/planted"), "symlink made outside");
    EXPECT_EQ(make_symlink("x", "/ro/planted"), -EROFS);
    EXPECT_EQ(make_symlink("x", "/rw/nested_ro/planted"), -EROFS);
    EXPECT(!host_exists("/ro/planted") && !host_exists("/rw/nested_ro/planted"), "ro mount written");
    /* The target: copied with a bound, from guest memory only. */
    uint64_t len = put_uri(URI1, "/rw/made_long");
    memset(vm.ram + BUF, 'a', PATH_MAX + 1);
    EXPECT_EQ(hc(HC_SYMLINK, BUF, PATH_MAX, URI1, len, 0), -ENAMETOOLONG);
    EXPECT_EQ(hc(HC_SYMLINK, BUF, UINT64_MAX, URI1, len, 0), -ENAMETOOLONG);
    EXPECT_EQ(hc(HC_SYMLINK, BUF, 0, URI1, len, 0), -ENOENT);
    EXPECT_EQ(hc(HC_SYMLINK, RAM_SIZE - 2, 4, URI1, len, 0), -EFAULT);
    EXPECT_EQ(hc(HC_SYMLINK, BUF, 4, RAM_SIZE - 2, 4, 0), -EFAULT);
    EXPECT_EQ(hc(HC_SYMLINK, BUF, 4, URI1, 0, 0), -ENOENT);
    EXPECT(!host_exists("/rw/made_long"), "bad symlink made");
    EXPECT_EQ(count_fds(), fds);
}

static void test_setattr(void)
{
    int fds = count_fds();
    struct hc_attr mode = { .valid = HC_ATTR_MODE, .mode = 0600 };
    EXPECT_EQ(set_attr("/rw/file.txt", mode, false), 0);
    EXPECT_EQ(host_mode("/rw/file.txt"), 0600);
    mode.mode = 06755;
    EXPECT_EQ(set_attr("/rw/file.txt", mode, false), 0);
    EXPECT_EQ(host_mode("/rw/file.txt"), 0755);   /* never set-user/group-id */
    mode.mode = 0640;
    EXPECT_EQ(set_attr("/rw/link_in", mode, false), 0);   /* follows to file.txt */
    EXPECT_EQ(host_mode("/rw/file.txt"), 0640);
    EXPECT_EQ(set_attr("/rw/link_in", mode, true), -EOPNOTSUPP);   /* no lchmod */
    EXPECT_EQ(set_attr("/rw/sub", (struct hc_attr){ .valid = HC_ATTR_MODE, .mode = 0700 }, false), 0);
    EXPECT_EQ(host_mode("/rw/sub"), 0700);

    struct hc_attr times = { .valid = HC_ATTR_ATIME | HC_ATTR_MTIME,
                             .atime_ns = 1000000000ull * 1000000000ull + 5,
                             .mtime_ns = 1200000000ull * 1000000000ull + 250000000 };
    EXPECT_EQ(set_attr("/rw/file.txt", times, false), 0);
    struct stat st;
    stat(host_path("/rw/file.txt"), &st);
    EXPECT(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 5, "atime %ld", (long)st.st_atim.tv_sec);
    EXPECT(st.st_mtim.tv_sec == 1200000000 && st.st_mtim.tv_nsec == 250000000, "mtime %ld",
           (long)st.st_mtim.tv_sec);
    times.valid = HC_ATTR_ATIME;
    times.atime_ns = 0;
    EXPECT_EQ(set_attr("/rw/file.txt", times, false), 0);
    stat(host_path("/rw/file.txt"), &st);
    EXPECT(st.st_atim.tv_sec == 0 && st.st_mtim.tv_sec == 1200000000, "atime only");
    time_t before = time(NULL);
    EXPECT_EQ(set_attr("/rw/file.txt", (struct hc_attr){ .valid = HC_ATTR_TOUCH }, false), 0);
    stat(host_path("/rw/file.txt"), &st);
    EXPECT(st.st_mtim.tv_sec >= before && st.st_atim.tv_sec >= before, "touch: mtime %ld",
           (long)st.st_mtim.tv_sec);
    /* The link itself, not its target. */
    times = (struct hc_attr){ .valid = HC_ATTR_MTIME, .mtime_ns = 1300000000ull * 1000000000ull };
    EXPECT_EQ(set_attr("/rw/link_in", times, true), 0);
    EXPECT(lstat(host_path("/rw/link_in"), &st) == 0 && st.st_mtim.tv_sec == 1300000000, "link mtime");
    EXPECT(stat(host_path("/rw/file.txt"), &st) == 0 && st.st_mtim.tv_sec != 1300000000,
           "nofollow reached the target");

    /* Ownership: what the host allows this process, no more. */
    struct hc_attr own = { .valid = HC_ATTR_UID | HC_ATTR_GID, .uid = getuid(), .gid = getgid() };
    EXPECT_EQ(set_attr("/rw/file.txt", own, false), 0);
    own.uid = 12345;
    EXPECT_EQ(set_attr("/rw/file.txt", own, false), getuid() == 0 ? 0 : -EPERM);
    EXPECT_EQ(set_attr("/rw/link_in", (struct hc_attr){ .valid = HC_ATTR_UID, .uid = getuid() }, true), 0);
    EXPECT_EQ(set_attr("/rw/file.txt", (struct hc_attr){ 0 }, false), 0);
    EXPECT_EQ(set_attr("/rw/missing", (struct hc_attr){ 0 }, false), -ENOENT);
    EXPECT_EQ(set_attr("/rw/missing", mode, false), -ENOENT);

    /* Links followed only where policy would let the guest go by name. */
    mode_t secret = host_mode("/outside/secret.txt");
    static const char *const out[] = { "/rw/link_out", "/rw/link_abs", "/rw/link_up/outside/secret.txt",
                                       "/rw/sub/up2/secret.txt", "/rw/link_root/etc/passwd" };
    for (size_t i = 0; i < sizeof out / sizeof *out; i++)
        EXPECT_EQ(set_attr(out[i], mode, false), -EACCES);
    EXPECT_EQ(set_attr("/rw/link_out", times, false), -EACCES);
    EXPECT_EQ(host_mode("/outside/secret.txt"), secret);
    EXPECT_EQ(set_attr("/ro/data.txt", mode, false), -EROFS);
    EXPECT_EQ(set_attr("/ro/data.txt", times, true), -EROFS);
    EXPECT_EQ(set_attr("/rw/nested_ro/keep.txt", mode, false), -EROFS);
    mode_t nested = host_mode("/rw/nested_ro");
    EXPECT_EQ(set_attr("/rw/to_nested", mode, false), -EROFS);   /* the link leads into it */
    EXPECT_EQ(host_mode("/rw/nested_ro"), nested);
    /* A writable mount's root itself (a tmpfs's /tmp is chmod'ed), by its descriptor. */
    EXPECT_EQ(set_attr("/tmpfs", (struct hc_attr){ .valid = HC_ATTR_MODE, .mode = 01777 }, false), 0);
    EXPECT_EQ(host_mode("/tmpfs") & 07777, 01777);
    EXPECT_EQ(set_attr("/tmpfs", times, false), 0);
    EXPECT_EQ(set_attr("/tmpfs", (struct hc_attr){ .valid = HC_ATTR_UID, .uid = getuid() }, false), 0);
    EXPECT_EQ(set_attr("/ro", mode, false), -EROFS);
    host_symlink("loop_b", "/rw/loop_a");
    host_symlink("loop_a", "/rw/loop_b");
    EXPECT_EQ(set_attr("/rw/loop_a", mode, false), -ELOOP);

    /* Hostile arguments. */
    EXPECT_EQ(set_attr("/rw/file.txt", (struct hc_attr){ .valid = 64 }, false), -EINVAL);
    EXPECT_EQ(hc_uri(HC_SETATTR, "/rw/file.txt", RAM_SIZE - 8, 0), -EFAULT);
    EXPECT_EQ(hc_uri(HC_SETATTR, "/rw/file.txt", UINT64_MAX, 0), -EFAULT);
    EXPECT_EQ(hc(HC_SETATTR, RAM_SIZE - 3, 8, ATTR, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_SETATTR, URI1, 0, ATTR, 0, 0), -ENOENT);
    EXPECT_EQ(count_fds(), fds);
}

static int64_t link_rel(const char *from, const char *to)
{
    uint64_t l1 = put_uri(URI1, from), l2 = put_uri(URI2, to);
    return hc(HC_LINK, URI1, l1, URI2, l2, 0);
}

/* Hard links: both names beneath writable mounts, neither followed. */
static void test_link(void)
{
    int fds = count_fds();
    EXPECT_EQ(link_rel("/rw/file.txt", "/rw/sub/hard"), 0);
    struct stat a, b;
    EXPECT(!stat(host_path("/rw/file.txt"), &a) && !stat(host_path("/rw/sub/hard"), &b) &&
           a.st_ino == b.st_ino && b.st_nlink == 2, "one file, two names");
    EXPECT_EQ(link_rel("/rw/file.txt", "/rw/sub/hard"), -EEXIST);
    EXPECT_EQ(link_rel("/rw/nothing", "/rw/sub/hard2"), -ENOENT);
    EXPECT_EQ(link_rel("/rw/sub", "/rw/subdir_link"), -EPERM);
    EXPECT_EQ(link_rel("/rw", "/rw/root_link"), -EBUSY);
    /* A symlink is linked as itself, never followed out of the mount. */
    EXPECT_EQ(link_rel("/rw/link_out", "/rw/link_out2"), 0);
    EXPECT(lstat(host_path("/rw/link_out2"), &b) == 0 && S_ISLNK(b.st_mode), "the link, not its target");
    /* Read-only mounts: neither a new name for their files nor a name in them. */
    EXPECT_EQ(link_rel("/ro/data.txt", "/rw/ro_alias"), -EROFS);
    EXPECT_EQ(link_rel("/rw/file.txt", "/ro/planted"), -EROFS);
    EXPECT_EQ(link_rel("/rw/nested_ro/keep.txt", "/rw/keep_alias"), -EROFS);
    EXPECT_EQ(link_rel("/rw/sub/../nested_ro/keep.txt", "/rw/keep_alias"), -EROFS);
    EXPECT_EQ(link_rel("/rw/to_nested/keep.txt", "/rw/keep_alias"), -EACCES);
    /* No way out. */
    EXPECT_EQ(link_rel("/rw/link_up/outside/secret.txt", "/rw/stolen"), -EACCES);
    EXPECT_EQ(link_rel("/outside/secret.txt", "/rw/stolen"), -EACCES);
    EXPECT_EQ(link_rel("/rw/file.txt", "/rw/link_up/outside/planted"), -EACCES);
    EXPECT_EQ(link_rel("/rw/../outside/secret.txt", "/rw/stolen"), -EACCES);
    EXPECT(!host_exists("/rw/stolen") && !host_exists("/outside/planted") && !host_exists("/ro/planted") &&
           !host_exists("/rw/ro_alias") && !host_exists("/rw/keep_alias"), "nothing linked");
    /* Hostile arguments. */
    uint64_t l1 = put_uri(URI1, "/rw/file.txt"), l2 = put_uri(URI2, "/rw/x");
    EXPECT_EQ(hc(HC_LINK, RAM_SIZE - 3, 8, URI2, l2, 0), -EFAULT);
    EXPECT_EQ(hc(HC_LINK, URI1, l1, UINT64_MAX, l2, 0), -EFAULT);
    EXPECT_EQ(hc(HC_LINK, URI1, 0, URI2, l2, 0), -ENOENT);
    EXPECT_EQ(hc(HC_LINK, URI1, l1, URI2, UINT64_MAX, 0), -ENAMETOOLONG);
    EXPECT_EQ(unlink(host_path("/rw/sub/hard")) | unlink(host_path("/rw/link_out2")), 0);
    EXPECT_EQ(count_fds(), fds);
}

/* HC_LINK_FILE names an unnamed file the guest opened for writing, only in a
 * writable mount; a read-only handle (which could lie in a read-only mount)
 * gets no name, nor does anything but a regular file. */
static void test_link_file(void)
{
    int fds = count_fds();
    int64_t tmpf = open_rel("/rw", O_TMPFILE | O_RDWR, 0600);
    int64_t ro = open_rel("/ro/data.txt", O_RDONLY, 0), dir = open_rel("/rw", O_RDONLY | O_DIRECTORY, 0);
    EXPECT(tmpf >= 0 && ro >= 0 && dir >= 0, "handles");
    EXPECT_EQ(open_rel("/ro", O_TMPFILE | O_RDWR, 0600), -EROFS);
    uint64_t named = put_uri(URI1, "/rw/named"), ro_name = put_uri(URI2, "/ro/named");
    EXPECT_EQ(hc(HC_LINK_FILE, (uint64_t)tmpf, URI2, ro_name, 0, 0), -EROFS);
    EXPECT_EQ(hc(HC_LINK_FILE, (uint64_t)ro, URI1, named, 0, 0), -EPERM);
    EXPECT_EQ(hc(HC_LINK_FILE, (uint64_t)dir, URI1, named, 0, 0), -EPERM);
    EXPECT_EQ(hc(HC_LINK_FILE, (uint64_t)-1, URI1, named, 0, 0), -EBADF);
    EXPECT_EQ(hc(HC_LINK_FILE, (uint64_t)tmpf, RAM_SIZE - 3, 8, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_LINK_FILE, (uint64_t)tmpf, URI1, UINT64_MAX, 0, 0), -ENAMETOOLONG);
    uint64_t out = put_uri(URI2, "/rw/link_up/outside/planted");
    EXPECT_EQ(hc(HC_LINK_FILE, (uint64_t)tmpf, URI2, out, 0, 0), -EACCES);
    EXPECT(!host_exists("/rw/named") && !host_exists("/outside/planted"), "nothing named yet");
    EXPECT_EQ(hc(HC_LINK_FILE, (uint64_t)tmpf, URI1, named, 0, 0), 0);
    EXPECT(host_exists("/rw/named"), "named");
    EXPECT_EQ(hc(HC_LINK_FILE, (uint64_t)tmpf, URI1, named, 0, 0), -EEXIST);
    EXPECT_EQ(unlink(host_path("/rw/named")), 0);
    hc(HC_CLOSE, (uint64_t)tmpf, 0, 0, 0, 0);
    hc(HC_CLOSE, (uint64_t)ro, 0, 0, 0, 0);
    hc(HC_CLOSE, (uint64_t)dir, 0, 0, 0, 0);
    EXPECT_EQ(count_fds(), fds);
}

/* flock on the host fd: two handles are two open files that exclude each
 * other; the monitor never waits. */
static void test_flock(void)
{
    int64_t h1 = open_rel("/rw/file.txt", O_RDONLY, 0), h2 = open_rel("/rw/file.txt", O_RDONLY, 0);
    EXPECT_EQ(hc(HC_FLOCK, h1, LOCK_EX, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_FLOCK, h2, LOCK_SH, 0, 0, 0), -EWOULDBLOCK);
    EXPECT_EQ(hc(HC_FLOCK, h1, LOCK_SH, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_FLOCK, h2, LOCK_SH, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_FLOCK, h2, LOCK_EX, 0, 0, 0), -EWOULDBLOCK);
    EXPECT_EQ(hc(HC_FLOCK, h1, LOCK_UN, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_FLOCK, h2, LOCK_EX, 0, 0, 0), 0);
    const uint64_t bad_ops[] = { 0, LOCK_NB, LOCK_EX | LOCK_NB, LOCK_SH | LOCK_EX, 1ull << 32 | LOCK_EX,
                                 UINT64_MAX };
    for (size_t i = 0; i < sizeof bad_ops / sizeof *bad_ops; i++)
        EXPECT_EQ(hc(HC_FLOCK, h1, bad_ops[i], 0, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_FLOCK, (uint64_t)-1, LOCK_EX, 0, 0, 0), -EBADF);
    EXPECT_EQ(hc(HC_FLOCK, HC_MAX_HANDLES, LOCK_EX, 0, 0, 0), -EBADF);
    hc(HC_CLOSE, h1, 0, 0, 0, 0);
    hc(HC_CLOSE, h2, 0, 0, 0, 0);
}

/* Leases on the host fd, by the host's rules; the host's signal about a
 * break (here to this thread: no VM runs events) is news for HC_ASYNC's
 * TAKE, once.  Hostile types and operations are -EINVAL. */
static void test_lease_async(void)
{
    int64_t h = open_rel("/rw/file.txt", O_RDONLY, 0);
    EXPECT_EQ(hc(HC_LEASE, h, F_WRLCK, 45, 0, 0), 0);
    EXPECT_EQ(hc(HC_LEASE, h, HC_LEASE_GET, 0, 0, 0), F_WRLCK);
    EXPECT_EQ(hc(HC_ASYNC, h, HC_ASYNC_TAKE, 0, 0, 0), 0);
    int fd = open(host_path("/rw/file.txt"), O_RDONLY | O_NONBLOCK);
    EXPECT(fd < 0 && errno == EWOULDBLOCK, "a reader's open breaks the write lease");
    int64_t news = hc(HC_ASYNC, h, HC_ASYNC_TAKE, 0, 0, 0);
    EXPECT(news > 0 && (news & HC_ASYNC_SEEN) && (news & POLLMSG), "the break is news");
    EXPECT_EQ(hc(HC_ASYNC, h, HC_ASYNC_TAKE, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_LEASE, h, HC_LEASE_GET, 0, 0, 0), F_RDLCK);
    EXPECT_EQ(hc(HC_LEASE, h, F_RDLCK, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_LEASE, h, F_UNLCK, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_LEASE, h, HC_LEASE_GET, 0, 0, 0), F_UNLCK);
    /* A break time of 0: the monitor gives the lease up for the holder at
     * once, long before the host's lease-break-time would. */
    EXPECT_EQ(hc(HC_LEASE, h, F_RDLCK, 0, 0, 0), 0);
    time_t t0 = time(NULL);
    fd = open(host_path("/rw/file.txt"), O_WRONLY);
    EXPECT(fd >= 0 && time(NULL) - t0 < 30, "a writer waits no longer than the break time");
    close(fd);
    EXPECT_EQ(hc(HC_LEASE, h, HC_LEASE_GET, 0, 0, 0), F_UNLCK);
    EXPECT(hc(HC_ASYNC, h, HC_ASYNC_TAKE, 0, 0, 0) & POLLMSG, "the holder heard of it");
    EXPECT_EQ(hc(HC_ASYNC, h, HC_ASYNC_ON, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_ASYNC, h, HC_ASYNC_OFF, 0, 0, 0), 0);
    const uint64_t bad[] = { 3, 7, 1ull << 32 | F_RDLCK, (uint64_t)INT32_MAX + 1, UINT64_MAX };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        EXPECT_EQ(hc(HC_LEASE, h, bad[i], 0, 0, 0), -EINVAL);
        EXPECT_EQ(hc(HC_ASYNC, h, bad[i], 0, 0, 0), -EINVAL);
    }
    EXPECT_EQ(hc(HC_LEASE, (uint64_t)-1, F_RDLCK, 0, 0, 0), -EBADF);
    EXPECT_EQ(hc(HC_ASYNC, HC_MAX_HANDLES, HC_ASYNC_ON, 0, 0, 0), -EBADF);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
}

/* HC_STATFS gives the host's figures of a mount, never of a place outside one. */
static void test_statfs(void)
{
    struct hc_statfs *hs = (struct hc_statfs *)(vm.ram + STAT);
    struct statfs want;
    EXPECT_EQ(statfs(host_path("/rw"), &want), 0);
    EXPECT_EQ(hc_uri(HC_STATFS, "/rw", STAT, 0), 0);
    EXPECT(hs->blocks == (unsigned long long)want.f_blocks && hs->bsize == (unsigned long long)want.f_bsize &&
           hs->namelen == (unsigned long long)want.f_namelen,
           "blocks %llu bsize %llu namelen %llu", hs->blocks, hs->bsize, hs->namelen);
    EXPECT_EQ(hc_uri(HC_STATFS, "/ro/", STAT, 0), 0);
    EXPECT_EQ(hc_uri(HC_STATFS, "/rw/missing", STAT, 0), -ENOENT);
    EXPECT_EQ(hc_uri(HC_STATFS, "/outside", STAT, 0), -EACCES);
    EXPECT(hc_uri(HC_STATFS, "/rw/link_up/outside", STAT, 0) < 0, "no statfs through an escaping link");
    EXPECT_EQ(hc_uri(HC_STATFS, "/rw", RAM_SIZE - 8, 0), -EFAULT);
    EXPECT_EQ(hc(HC_STATFS, RAM_SIZE - 3, 8, STAT, 0, 0), -EFAULT);
}

/* HC_FALLOCATE reserves in the two modes that only reserve, on files open for writing. */
static void test_fallocate(void)
{
    int64_t w = open_rel("/rw/alloc.bin", O_RDWR | O_CREAT, 0644), r = open_rel("/rw/file.txt", O_RDONLY, 0);
    struct stat st;
    EXPECT_EQ(hc(HC_FALLOCATE, w, FALLOC_FL_KEEP_SIZE, 0, 65536, 0), 0);
    EXPECT(stat(host_path("/rw/alloc.bin"), &st) == 0 && st.st_size == 0, "KEEP_SIZE keeps size %lld",
           (long long)st.st_size);
    EXPECT_EQ(hc(HC_FALLOCATE, w, 0, 4096, 8192, 0), 0);
    EXPECT(stat(host_path("/rw/alloc.bin"), &st) == 0 && st.st_size == 12288, "mode 0 grows to %lld",
           (long long)st.st_size);
    const uint64_t bad_modes[] = { FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, FALLOC_FL_COLLAPSE_RANGE,
                                   FALLOC_FL_ZERO_RANGE, 1ull << 32, UINT64_MAX };
    for (size_t i = 0; i < sizeof bad_modes / sizeof *bad_modes; i++)
        EXPECT_EQ(hc(HC_FALLOCATE, w, bad_modes[i], 0, 4096, 0), -EOPNOTSUPP);
    EXPECT_EQ(hc(HC_FALLOCATE, w, 0, UINT64_MAX, 4096, 0), -EINVAL);
    EXPECT_EQ(hc(HC_FALLOCATE, w, 0, 0, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_FALLOCATE, r, 0, 0, 4096, 0), -EBADF);
    EXPECT_EQ(hc(HC_FALLOCATE, (uint64_t)-1, 0, 0, 4096, 0), -EBADF);
    hc(HC_CLOSE, w, 0, 0, 0, 0);
    hc(HC_CLOSE, r, 0, 0, 0, 0);
    unlink(host_path("/rw/alloc.bin"));
}

static void test_hostile_args(void)
{
    const uint64_t wild[] = { 0, RAM_SIZE, RAM_SIZE - 1, UINT64_MAX, UINT64_MAX - 4095,
                              1ull << 63 };
    int64_t h = open_rel("/rw/file.txt", O_RDWR, 0);
    for (size_t i = 0; i < sizeof wild / sizeof *wild; i++) {
        uint64_t p = wild[i];
        if (p == 0)
            continue;   /* GPA 0 is inside the fake RAM */
        EXPECT_EQ(hc(HC_OPEN, p, 10, O_RDONLY, 0, 0), -EFAULT);
        EXPECT_EQ(hc(HC_READ, h, p, 10, -1, 0), -EFAULT);
        EXPECT_EQ(hc(HC_WRITE, h, p, 10, -1, 0), -EFAULT);
        EXPECT_EQ(hc(HC_FSTAT, h, p, 0, 0, 0), -EFAULT);
        EXPECT_EQ(hc(HC_RANDOM, p, 10, 0, 0, 0), -EFAULT);
        EXPECT_EQ(hc(HC_LOG, LOG_ERROR, p, 10, 0, 0), -EFAULT);
        /* As on Linux, a file that is no terminal says so before its pointer is looked at. */
        EXPECT_EQ(hc(HC_TTY, h, HC_TTY_TCGETS, p, 0, 0), -ENOTTY);
        EXPECT_EQ(hc(HC_TTY, h, HC_TTY_WINSZ, p, 0, 0), -ENOTTY);
        EXPECT_EQ(hc(HC_SYMLINK, p, 4, URI1, put_uri(URI1, "/rw/wild"), 0), -EFAULT);
        EXPECT_EQ(hc(HC_SYMLINK, URI2, 4, p, 10, 0), -EFAULT);
        EXPECT_EQ(hc(HC_SETATTR, p, 10, ATTR, 0, 0), -EFAULT);
        EXPECT_EQ(hc_uri(HC_SETATTR, "/rw/file.txt", p, 0), -EFAULT);
    }
    /* Ranges that start inside RAM and run off its end, or wrap around. */
    EXPECT_EQ(hc(HC_READ, h, BUF, RAM_SIZE, -1, 0), -EFAULT);
    EXPECT_EQ(hc(HC_WRITE, h, RAM_SIZE - 4, 5, -1, 0), -EFAULT);
    EXPECT_EQ(hc(HC_READ, h, BUF, HC_MAX_IO + 1, -1, 0), -EINVAL);
    EXPECT_EQ(hc(HC_WRITE, h, BUF, UINT64_MAX, -1, 0), -EINVAL);
    EXPECT_EQ(hc(HC_RANDOM, BUF, UINT64_MAX, 0, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_OPEN, URI1, 1ull << 40, O_RDONLY, 0, 0), -ENAMETOOLONG);
    EXPECT_EQ(hc(HC_OPEN, URI1, HC_MAX_URI, O_RDONLY, 0, 0), -ENAMETOOLONG);
    EXPECT_EQ(hc(HC_OPEN, URI1, 0, O_RDONLY, 0, 0), -ENOENT);
    EXPECT_EQ(hc(HC_STAT, URI1, UINT64_MAX, STAT, 0, 0), -ENAMETOOLONG);
    EXPECT_EQ(hc(HC_MKDIR, RAM_SIZE - 3, 8, 0755, 0, 0), -EFAULT);
    /* A path longer than the host allows, or a component longer than NAME_MAX. */
    memset(vm.ram + URI1, 'a', HC_MAX_URI);
    memcpy(vm.ram + URI1, "file:/", 6);
    EXPECT_EQ(hc(HC_OPEN, URI1, HC_MAX_URI - 1, O_RDONLY, 0, 0), -EACCES);
    char name[400];
    memset(name, 'n', sizeof name);
    strcpy(name, "/rw/");
    name[sizeof name - 1] = '\0';
    name[4] = 'n';
    EXPECT_EQ(hc_uri(HC_MKDIR, name, 0755, 0), -ENAMETOOLONG);
    /* Bad handles. */
    const uint64_t bad[] = { (uint64_t)-1, HC_MAX_HANDLES, HC_MAX_HANDLES - 1, 1ull << 40,
                             UINT64_MAX / 2 };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        EXPECT_EQ(hc(HC_READ, bad[i], BUF, 1, -1, 0), -EBADF);
        EXPECT_EQ(hc(HC_WRITE, bad[i], BUF, 1, -1, 0), -EBADF);
        EXPECT_EQ(hc(HC_CLOSE, bad[i], 0, 0, 0, 0), -EBADF);
        EXPECT_EQ(hc(HC_FSTAT, bad[i], STAT, 0, 0, 0), -EBADF);
        EXPECT_EQ(hc(HC_TRUNCATE, bad[i], 0, 0, 0, 0), -EBADF);
        EXPECT_EQ(hc(HC_GETDENTS, bad[i], BUF, 100, 0, 0), -EBADF);
        EXPECT_EQ(hc(HC_TTY, bad[i], HC_TTY_ISATTY, 0, 0, 0), -EBADF);
        EXPECT_EQ(hc(HC_FSYNC, bad[i], 0, 0, 0, 0), -EBADF);
        EXPECT_EQ(hc(HC_SEEK, bad[i], 0, SEEK_SET, 0, 0), -EBADF);
    }
    hc(HC_CLOSE, h, 0, 0, 0, 0);
}

static void test_tty(void)
{
    int64_t h = open_rel("/rw/file.txt", O_RDONLY, 0);
    EXPECT_EQ(hc(HC_TTY, h, HC_TTY_ISATTY, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_TTY, h, HC_TTY_TCGETS, BUF, 0, 0), -ENOTTY);
    EXPECT_EQ(hc(HC_TTY, h, HC_TTY_WINSZ, BUF, 0, 0), -ENOTTY);
    EXPECT_EQ(hc(HC_TTY, h, 99, BUF, 0, 0), -EINVAL);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
    int pty = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (pty < 0)
        return;   /* no ptys here: the non-tty paths above still ran */
    h = handle_alloc(pty);
    memset(vm.ram + BUF, 0xAA, 64);
    EXPECT_EQ(hc(HC_TTY, h, HC_TTY_ISATTY, 0, 0, 0), 1);
    EXPECT_EQ(hc(HC_TTY, h, HC_TTY_TCGETS, BUF, 0, 0), 0);
    EXPECT(vm.ram[BUF + 36] == 0xAA, "TCGETS wrote past the kernel's 36-byte termios");
    EXPECT_EQ(hc(HC_TTY, h, HC_TTY_WINSZ, BUF, 0, 0), 0);
    EXPECT_EQ(hc(HC_TTY, h, HC_TTY_TCGETS, RAM_SIZE - 8, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_TTY, h, HC_TTY_WINSZ, 1ull << 63, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_CLOSE, h, 0, 0, 0, 0), 0);
    EXPECT(fcntl(pty, F_GETFD) < 0, "closing the handle closes its fd");
}

static void test_misc(void)
{
    memset(vm.ram + BUF, 0, 64);
    EXPECT_EQ(hc(HC_RANDOM, BUF, 64, 0, 0, 0), 64);
    static const uint8_t zero[64];
    EXPECT(memcmp(vm.ram + BUF, zero, 64) != 0, "random bytes are all zero");
    EXPECT_EQ(hc(HC_RANDOM, UINT64_MAX, 0, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_SLEEP, 1000000, 0, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_SLEEP, UINT64_MAX, 0, 0, 0, 0), -EINVAL);
    const char msg[] = "unit test log line";
    memcpy(vm.ram + BUF, msg, sizeof msg - 1);
    EXPECT_EQ(hc(HC_LOG, LOG_INFO, BUF, sizeof msg - 1, 0, 0), 0);
    EXPECT_EQ(hc(HC_LOG, LOG_TRACE, BUF, sizeof msg - 1, 0, 0), 0);   /* filtered */
    EXPECT_EQ(hc(HC_LOG, 5, BUF, 4, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_LOG, LOG_TRACE, BUF, UINT64_MAX, 0, 0), 0);   /* cut, then filtered */
    /* VM_FREE: only whole pages at or above the pool, inside RAM. */
    memset(vm.ram + GPA_RAM_POOL, 0x5A, 2 * GUEST_PAGE_SIZE);
    EXPECT_EQ(hc(HC_VM_FREE, GPA_RAM_POOL, GUEST_PAGE_SIZE, 0, 0, 0), 0);
    EXPECT(vm.ram[GPA_RAM_POOL] == 0 && vm.ram[GPA_RAM_POOL + GUEST_PAGE_SIZE] == 0x5A,
           "freed page reads zero, the next one is kept");
    EXPECT_EQ(hc(HC_VM_FREE, GPA_RAM_POOL - GUEST_PAGE_SIZE, GUEST_PAGE_SIZE, 0, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_VM_FREE, GPA_RAM_POOL + 1, GUEST_PAGE_SIZE, 0, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_VM_FREE, GPA_RAM_POOL, 100, 0, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_VM_FREE, GPA_RAM_POOL, 0, 0, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_VM_FREE, RAM_SIZE, GUEST_PAGE_SIZE, 0, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_VM_FREE, GPA_RAM_POOL, UINT64_MAX & ~(GUEST_PAGE_SIZE - 1), 0, 0, 0), -EFAULT);
    /* VM_GROW: says how far RAM or the shared memory reaches; nothing past either. */
    EXPECT(hc(HC_VM_GROW, GPA_RAM_POOL, 0, 0, 0, 0) >= (int64_t)GPA_RAM_POOL, "RAM grows");
    EXPECT(hc(HC_VM_GROW, GPA_SHARED + 1, 0, 0, 0, 0) >= (int64_t)GPA_SHARED + 1, "shared memory grows");
    EXPECT_EQ(hc(HC_VM_GROW, RAM_SIZE + 1, 0, 0, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_VM_GROW, GPA_SHARED + (64ull << 30), 0, 0, 0, 0), -EINVAL);
    EXPECT_EQ(hc(HC_VM_GROW, UINT64_MAX, 0, 0, 0, 0), -EINVAL);
}

/* Another process's state: 'S' exactly while its monitor waits for an event. */
static void test_proc_state(void)
{
    EXPECT_EQ(hc(HC_PROC_STATE, 2, 0, 0, 0, 0), -ESRCH);   /* no pid page yet */
    EXPECT_EQ(pidns_init(8, 2), 0);
    EXPECT_EQ(hc(HC_PROC_STATE, 2, 0, 0, 0, 0), 'R');
    waiting_begin();
    EXPECT_EQ(hc(HC_PROC_STATE, 2, 0, 0, 0, 0), 'S');
    waiting_end();
    EXPECT_EQ(hc(HC_PROC_STATE, 2, 0, 0, 0, 0), 'R');
    EXPECT_EQ(hc(HC_PROC_STATE, 3, 0, 0, 0, 0), -ESRCH);
    EXPECT_EQ(hc(HC_PROC_STATE, 0, 0, 0, 0, 0), -ESRCH);
    EXPECT_EQ(hc(HC_PROC_STATE, UINT64_MAX, 0, 0, 0, 0), -ESRCH);
    EXPECT_EQ(hc(HC_PROC_STATE, (uint64_t)INT32_MAX + 2, 0, 0, 0, 0), -ESRCH);
}

static void map_high(void)
{
    for (int i = 0; i < 4; i++)
        fake_vm_map_page(&vm, HIGH + i * PAGE, high_frames[i], 1, PTE_RW);
    fake_vm_map_page(&vm, HIGH_RO, 0x71000, 1, 0);
}

/* readv and writev over the pages of a scattered buffer: each byte in its frame. */
static void test_scattered_io(void)
{
    map_high();
    char text[4 * PAGE];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + (i * 13 + i / PAGE) % 26);
    int64_t h = open_rel("/rw/scatter.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    for (int i = 0; i < 4; i++)
        memcpy(vm.ram + high_frames[i], text + i * PAGE, PAGE);
    EXPECT_EQ(hc(HC_WRITE, h, HIGH + 10, 4 * PAGE - 10, 0, 0), 4 * PAGE - 10);
    char *got = host_read("/rw/scatter.txt");
    EXPECT(got && memcmp(got, text + 10, 200) == 0, "file holds the buffer's start");
    for (int i = 0; i < 4; i++)
        memset(vm.ram + high_frames[i], 0, PAGE);
    EXPECT_EQ(hc(HC_READ, h, HIGH + 10, 4 * PAGE - 10, 0, 0), 4 * PAGE - 10);
    EXPECT(memcmp(vm.ram + high_frames[0] + 10, text + 10, PAGE - 10) == 0, "first frame");
    for (int i = 1; i < 4; i++)
        EXPECT(memcmp(vm.ram + high_frames[i], text + i * PAGE, PAGE) == 0, "frame %d", i);
    /* Across the hole at page 4; into a read-only page; out of one is fine. */
    EXPECT_EQ(hc(HC_READ, h, HIGH + 3 * PAGE, 2 * PAGE, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_WRITE, h, HIGH + 3 * PAGE + 1, PAGE, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_READ, h, HIGH_RO, 16, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_WRITE, h, HIGH_RO, 16, 0, 0), 16);
    EXPECT_EQ(hc(HC_FSTAT, h, HIGH_RO, 0, 0, 0), -EFAULT);
    /* Results and uris over a page boundary. */
    EXPECT_EQ(hc(HC_FSTAT, h, HIGH + 2 * PAGE - 40, 0, 0, 0), 0);
    struct hc_stat st;
    memcpy(&st, vm.ram + high_frames[1] + PAGE - 40, 40);
    memcpy((char *)&st + 40, vm.ram + high_frames[2], sizeof st - 40);
    EXPECT_EQ(st.size, 4 * PAGE - 10);
    int n = snprintf((char *)vm.ram + BUF, 300, "file:%s/rw/scatter.txt", tmp);
    memcpy(vm.ram + high_frames[2] + PAGE - 7, vm.ram + BUF, 7);
    memcpy(vm.ram + high_frames[3], vm.ram + BUF + 7, (size_t)n - 7);
    int64_t h2 = hc(HC_OPEN, HIGH + 3 * PAGE - 7, (uint64_t)n, O_RDONLY, 0, 0);
    EXPECT(h2 >= 0, "open by a split uri -> %lld", (long long)h2);
    hc(HC_CLOSE, h2, 0, 0, 0, 0);
    EXPECT_EQ(hc(HC_OPEN, HIGH + 4 * PAGE - 7, (uint64_t)n, O_RDONLY, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_RANDOM, HIGH + 100, 3 * PAGE, 0, 0, 0), 3 * PAGE);
    EXPECT_EQ(hc(HC_RANDOM, HIGH + 100, 4 * PAGE, 0, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_GETDENTS, h, HIGH_RO, 4096, 0, 0), -EFAULT);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
    h = open_rel("/rw", O_RDONLY | O_DIRECTORY, 0);
    EXPECT_EQ(hc(HC_GETDENTS, h, HIGH_RO, 4096, 0, 0), -EFAULT);
    int64_t len = hc(HC_GETDENTS, h, HIGH + PAGE + 4000, 2 * PAGE, 0, 0);
    EXPECT(len > 96, "getdents over a page boundary -> %lld", (long long)len);
    hc(HC_CLOSE, h, 0, 0, 0, 0);
}

/* HC_VM_FREE is physical: RAM pages read as zero after, shared pages are
 * punched out of the memfd; a range over both or past either is refused. */
static void test_vm_free_shared(void)
{
    memset(vm.shared, 0x77, 3 * PAGE);
    EXPECT_EQ(hc(HC_VM_FREE, GPA_SHARED + PAGE, PAGE, 0, 0, 0), 0);
    EXPECT(vm.shared[0] == 0x77 && vm.shared[PAGE] == 0 && vm.shared[2 * PAGE] == 0x77, "one page punched");
    EXPECT_EQ(hc(HC_VM_FREE, GPA_SHARED + FAKE_SHARED_SIZE - PAGE, 2 * PAGE, 0, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_VM_FREE, GPA_SHARED - PAGE, 2 * PAGE, 0, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_VM_FREE, RAM_SIZE - PAGE, GPA_SHARED - RAM_SIZE + 2 * PAGE, 0, 0, 0), -EFAULT);
    EXPECT_EQ(hc(HC_VM_FREE, GPA_MMIO, PAGE, 0, 0, 0), -EFAULT);
}

/* A close that races a call in progress defers the host close. */
static void test_handle_refs(void)
{
    int fd = open(host_path("/rw/file.txt"), O_RDONLY | O_CLOEXEC);
    int h = handle_alloc(fd);
    EXPECT_EQ(handle_get(h), fd);
    EXPECT_EQ(handle_free(h), 0);
    EXPECT(fcntl(fd, F_GETFD) >= 0, "fd closed while in use");
    EXPECT_EQ(handle_get(h), -EBADF);
    int fd2 = open(host_path("/rw/file.txt"), O_RDONLY | O_CLOEXEC);
    int h2 = handle_alloc(fd2);
    EXPECT(h2 != h, "slot reused while in use");
    handle_put(h);
    EXPECT(fcntl(fd, F_GETFD) < 0, "fd not closed after the last put");
    EXPECT_EQ(handle_free(h2), 0);
}

/* Filling the table: -EMFILE, and the fd policy opened is not leaked. */
static void test_emfile(void)
{
    int before = count_fds();
    int64_t last = 0;
    int opened = 0;
    for (int i = 0; i < HC_MAX_HANDLES + 5; i++) {
        last = open_rel("/rw/file.txt", O_RDONLY, 0);
        if (last < 0)
            break;
        opened++;
    }
    EXPECT_EQ(last, -EMFILE);
    EXPECT_EQ(opened, HC_MAX_HANDLES - 3);
    for (int h = 3; h < HC_MAX_HANDLES; h++)
        hc(HC_CLOSE, h, 0, 0, 0, 0);
    EXPECT_EQ(count_fds(), before);
}

/* The guest may close its stdio; the monitor's stays open. */
static void test_stdio(void)
{
    memcpy(vm.ram + BUF, "# handle 2 writes to stderr\n", 28);
    EXPECT_EQ(hc(HC_WRITE, 2, BUF, 28, -1, 0), 28);
    EXPECT_EQ(hc(HC_CLOSE, 2, 0, 0, 0, 0), 0);
    EXPECT_EQ(hc(HC_WRITE, 2, BUF, 28, -1, 0), -EBADF);
    EXPECT(fcntl(2, F_GETFD) >= 0, "monitor's stderr closed");
    EXPECT_EQ(hc(HC_CLOSE, 0, 0, 0, 0, 0), 0);
    EXPECT(fcntl(0, F_GETFD) >= 0, "monitor's stdin closed");
    int64_t h = open_rel("/rw/file.txt", O_RDONLY, 0);
    EXPECT_EQ(h, 0);   /* the lowest free slot */
    hc(HC_CLOSE, h, 0, 0, 0, 0);
}

static int rm_tree(const char *rel)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s%s'", tmp, rel);
    return system(cmd);
}

/* A mount whose host path is missing or relative fails policy_init. */
static void test_policy_init_missing(void)
{
    struct pv_mount m = { .path = "/x", .uri = "file:/nonexistent/picovm-y",
                          .type = MOUNT_CHROOT };
    struct pv_config cfg = { .mounts = &m, .nmounts = 1 };
    char err[200] = "";
    EXPECT_EQ(policy_init(&cfg, err, sizeof err), -1);
    EXPECT(strcmp(err, "mount '/x': host path '/nonexistent/picovm-y' does not exist") == 0,
           "err '%s'", err);
    m.uri = "file:relative/dir";
    EXPECT_EQ(policy_init(&cfg, err, sizeof err), -1);
    strcpy((char *)vm.ram + URI1, "file:/");
    EXPECT_EQ(hc(HC_OPEN, URI1, 6, O_RDONLY, 0, 0), -EACCES);   /* a failed init grants nothing */
}

static int fds_before;

static void test_no_fd_leak(void)
{
    handles_close_all();
    EXPECT_EQ(count_fds(), fds_before);
    EXPECT(fcntl(1, F_GETFD) >= 0 && fcntl(2, F_GETFD) >= 0, "monitor stdio closed");
}

int main(void)
{
    monitor_log_level = LOG_INFO;
    if (fake_vm_map(&vm, RAM_SIZE))
        return 2;
    pal_calls_setup();
    setup_tree();

    run_test("policy_init_missing", test_policy_init_missing);
    init_policy(true);
    fds_before = count_fds();
    static const struct unit_test tests[] = {
        { "table", test_table },         { "open_read", test_open_read },
        { "write", test_write },         { "stat", test_stat },
        { "getdents", test_getdents },   { "names", test_names },
        { "escapes", test_escapes },     { "readonly", test_readonly },
        { "writable_symlink", test_writable_symlink },
        { "symlink", test_symlink },     { "setattr", test_setattr },
        { "link", test_link },           { "link_file", test_link_file },
        { "flock", test_flock },         { "lease_async", test_lease_async },
        { "statfs", test_statfs },       { "fallocate", test_fallocate },
        { "hostile_args", test_hostile_args },
        { "tty", test_tty },             { "misc", test_misc },
        { "scattered_io", test_scattered_io },
        { "vm_free_shared", test_vm_free_shared },
        { "handle_refs", test_handle_refs },
        { "emfile", test_emfile },       { "stdio", test_stdio },
        { "proc_state", test_proc_state },
    };
    run_tests(tests, sizeof tests / sizeof *tests);
    run_test("no_fd_leak", test_no_fd_leak);
    rm_tree("");
    return failures ? 1 : 0;
}
