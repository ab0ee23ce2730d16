// UNIT-SOURCES: libos/bookkeep/process.c libos/fs/path.c libos/fs/vfs.c libos/fs/mounts.c libos/fs/lookup.c libos/fs/mountdir.c libos/fs/file.c libos/fs/fdtable.c libos/fs/util.c libos/sys/cred.c libos/fs/dev.c libos/fs/proc.c libos/fs/proc_sys.c libos/fs/proc_cpuinfo.c libos/fs/mountinfo.c libos/fs/text.c libos/fs/console.c libos/fs/readiness.c libos/fs/host.c libos/sys/open.c libos/sys/stat.c libos/sys/dir.c libos/sys/fd.c libos/sys/attr.c libos/fs/stream.c libos/fs/flock.c libos/fs/pipe.c tests/unit/host_files_pal.c libos/sys/caps.c libos/fs/reclock.c
/* The library OS's VFS over tmpfs, /dev and /proc, driven through its system
 * call handlers on the host (ASan + UBSan): symbolic links (which tmpfs
 * resolves in the program's tree, not the host's), the mount tree, Linux's
 * answers the VFS gives before the host sees a call, and memory safety.  The
 * library OS's environment (heap, PAL, boot info) is stubbed below; its file
 * streams are this host's files (host_files_pal.c), each tmpfs a directory
 * of them, as the monitor makes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libos/fs/fs.h"
#include "../../libos/mm/mm.h"
#include "../../libos/fs/filemap.h"
#include "../../libos/fs/mountinfo.h"
#include "libos_stubs.h"
#include "host_files_pal.h"

/* --- the library OS around the VFS --- */
void *kmalloc(size_t size) { return malloc(size ? size : 1); }
void *kzalloc(size_t size) { return calloc(1, size ? size : 1); }
void *krealloc(void *p, size_t size) { return realloc(p, size); }
void kfree(void *p) { free(p); }
char *kstrdup(const char *s) { return strdup(s); }
bool user_range_ok(const void *p, size_t len, bool write) { (void)write; return p || !len; }
long user_string_ok(const char *s, size_t max) { return !s ? -EFAULT : strnlen(s, max) < max ? 0 : -ENAMETOOLONG; }
/* The console's waits and EPIPE (fs/stream.c): no signal is ever raised here. */
long signal_raise(int sig) { (void)sig; abort(); }
bool signal_pending(void) { return false; }
/* fs/async.c: leases and O_ASYNC are the host's, which has none here. */
int file_lease_break_secs = 45;
long file_set_async(struct file *f, bool on) { (void)f, (void)on; return 0; }
long file_lease(struct file *f, int type) { (void)f, (void)type; return -EINVAL; }
bool signal_pending_or(uint64_t also) { (void)also; return false; }
/* No limit below the descriptor table's size (fs/fdtable.c asks for RLIMIT_NOFILE). */
uint64_t rlimit_soft(unsigned int resource) { (void)resource; return UINT64_MAX; }

/* No process maps anything here: no shared file mapping to read through, no maps file to show. */
void filemap_after_io(struct file *f, void *buf, size_t n, uint64_t off, bool write)
{
    (void)f, (void)buf, (void)n, (void)off, (void)write;
}
bool filemap_active(void) { return false; }
long mm_maps_text(char **text, size_t *len) { (void)text, (void)len; return -ENOMEM; }
void mm_pagemap(uint64_t first_page, uint64_t *out, size_t n) { (void)first_page, memset(out, 0, n * sizeof *out); }
uint64_t mm_free_bytes(void) { return 100 << 20; }
const char *uname_release(void) { return "6.1.0"; }

static uint64_t fake_time = 1700000000ull * 1000000000ull;
static uint64_t realtime(void) { return fake_time += 1000; }
static long random_bytes(void *buf, size_t len) { memset(buf, 0x5a, len); return 0; }
static long no_tty(long h, int op, void *buf) { (void)h, (void)op, (void)buf; return -ENOTTY; }
/* The host's standard streams are character devices (a terminal). */
static long console_attr(long h, struct pal_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->mode = S_IFCHR | 0620;
    st->ino = (unsigned long long)h + 100;
    return 0;
}
static struct pal_ops stub_pal = { .time_realtime_ns = realtime, .random_bytes = random_bytes,
                                   .stream_tty = no_tty };
const struct pal_ops *pal = &stub_pal;
/* Handles 0-2 are the console's, the others host files'. */
static long (*file_attr)(long h, struct pal_stat *st);
static long stream_attr(long h, struct pal_stat *st) { return h < 3 ? console_attr(h, st) : file_attr(h, st); }
static struct pal_public_state boot;
const struct pal_public_state *pal_state = &boot;

/* The handlers under test (declared without prototypes in the table). */
long sys_openat(int, const char *, int, int);
long sys_open(const char *, int, int);
long sys_close(int);
long sys_read(int, void *, size_t);
long sys_write(int, const void *, size_t);
long sys_pread64(int, void *, size_t, int64_t);
long sys_pwrite64(int, const void *, size_t, int64_t);
long sys_lseek(int, int64_t, int);
long sys_ftruncate(int, int64_t);
long sys_truncate(const char *, int64_t);
long sys_stat(const char *, struct stat *);
long sys_lstat(const char *, struct stat *);
long sys_fstat(int, struct stat *);
long sys_access(const char *, int);
long sys_getdents64(int, void *, unsigned int);
long sys_getcwd(char *, unsigned long);
long sys_chdir(const char *);
long sys_fchdir(int);
long sys_mkdir(const char *, int);
long sys_rmdir(const char *);
long sys_unlink(const char *);
long sys_rename(const char *, const char *);
long sys_renameat2(int, const char *, int, const char *, unsigned int);
long sys_symlink(const char *, const char *);
long sys_readlink(const char *, char *, int);
long sys_chmod(const char *, unsigned int);
long sys_fchmod(int, unsigned int);
long sys_dup(int);
long sys_fcntl(int, int, unsigned long);

static int failures;
#define EXPECT(name, got, want) do { \
        long g_ = (long)(got), w_ = (long)(want); \
        if (g_ != w_) { printf("FAIL %s: %s = %ld, want %ld\n", name, #got, g_, w_); failures++; } \
    } while (0)

static long put(const char *path, const char *data)
{
    long fd = sys_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return fd;
    long n = sys_write((int)fd, data, strlen(data));
    sys_close((int)fd);
    return n;
}

static const char *get(const char *path)
{
    static char buf[256];
    long fd = sys_open(path, O_RDONLY, 0);
    if (fd < 0)
        return "(error)";
    long n = sys_read((int)fd, buf, sizeof(buf) - 1);
    sys_close((int)fd);
    buf[n < 0 ? 0 : n] = 0;
    return buf;
}

static void expect_str(const char *name, const char *got, const char *want)
{
    if (strcmp(got, want)) {
        printf("FAIL %s: got \"%s\", want \"%s\"\n", name, got, want);
        failures++;
    }
}

static const char *link_of(const char *path)
{
    static char buf[PATH_MAX_LEN];
    long n = sys_readlink(path, buf, sizeof(buf) - 1);
    buf[n < 0 ? 0 : n] = 0;
    return n < 0 ? "(error)" : buf;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Names in a directory, sorted (the host's listing order is its own), joined with ' '. */
static const char *listing(const char *path)
{
    static char out[1024], names[32][64];
    char buf[512] __attribute__((aligned(8))), *sorted[32];
    int count = 0;
    out[0] = 0;
    long fd = sys_open(path, O_RDONLY | O_DIRECTORY, 0);
    if (fd < 0)
        return "(error)";
    long n;
    while ((n = sys_getdents64((int)fd, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < n && count < 32; count++) {
            unsigned short reclen;
            memcpy(&reclen, buf + off + 16, sizeof(reclen));
            snprintf(names[count], sizeof(names[count]), "%s", buf + off + 19);
            sorted[count] = names[count];
            off += reclen;
        }
    }
    sys_close((int)fd);
    qsort(sorted, (size_t)count, sizeof(sorted[0]), by_name);
    for (int i = 0; i < count; i++) {
        strcat(out, i ? " " : "");
        strcat(out, sorted[i]);
    }
    return out;
}

static char dir[] = "/tmp/picovm-test-vfs-XXXXXX";

static void setup(void)
{
    host_files_pal(&stub_pal);
    file_attr = stub_pal.stream_attr;
    stub_pal.stream_attr = stream_attr;
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(2);
    }
    static const char *const paths[] = { "/", "/ro", "/deep/mnt/point", "/other" };
    static char uris[ARRAY_SIZE(paths)][64];
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        snprintf(uris[i], sizeof(uris[i]), "file:%s/%zu", dir, i);
        EXPECT("mkdir-host", pal->stream_mkdir(uris[i], 01777), 0);
        boot.mounts[i] = (struct pal_mount){ paths[i], uris[i], PAL_MOUNT_TMPFS, i != 1 };
    }
    boot.nmounts = ARRAY_SIZE(paths);
    boot.boot_realtime_ns = fake_time;
    proc.pid = 7;
    strcpy(proc.cwd, "/");
    strcpy(proc.exe, "/bin/prog");
    long r = vfs_init(&boot);
    EXPECT("vfs_init", r, 0);
}

static void symlinks(void)
{
    struct stat st;
    EXPECT("mkdir", sys_mkdir("/d", 0755), 0);
    EXPECT("put", put("/d/file", "content"), 7);
    EXPECT("symlink-rel", sys_symlink("file", "/d/rel"), 0);
    EXPECT("symlink-abs", sys_symlink("/d", "/dirlink"), 0);
    EXPECT("symlink-eexist", sys_symlink("x", "/d/rel"), -EEXIST);
    EXPECT("symlink-empty-enoent", sys_symlink("", "/d/empty"), -ENOENT);
    expect_str("read-through-rel-link", get("/d/rel"), "content");
    expect_str("read-through-dir-link", get("/dirlink/file"), "content");
    expect_str("read-through-both", get("/dirlink/rel"), "content");
    expect_str("readlink", link_of("/d/rel"), "file");
    EXPECT("readlink-not-link-einval", sys_readlink("/d/file", (char[8]){0}, 8), -EINVAL);
    EXPECT("lstat-link", sys_lstat("/d/rel", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 4, 1);
    EXPECT("stat-follows", sys_stat("/d/rel", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 7, 1);
    EXPECT("nofollow-eloop", sys_open("/d/rel", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    EXPECT("trailing-slash-follows", sys_stat("/dirlink/", &st) == 0 && S_ISDIR(st.st_mode), 1);
    EXPECT("link-to-file-slash-enotdir", sys_stat("/d/rel/", &st), -ENOTDIR);

    /* A dangling link: O_CREAT makes its target, O_EXCL refuses the link. */
    EXPECT("symlink-dangling", sys_symlink("made-by-creat", "/d/dangling"), 0);
    EXPECT("stat-dangling-enoent", sys_stat("/d/dangling", &st), -ENOENT);
    EXPECT("creat-excl-on-link-eexist", sys_open("/d/dangling", O_WRONLY | O_CREAT | O_EXCL, 0644), -EEXIST);
    EXPECT("creat-through-dangling", put("/d/dangling", "new"), 3);
    expect_str("created-target", get("/d/made-by-creat"), "new");

    /* Loops and chains. */
    EXPECT("loop-a", sys_symlink("loop-b", "/d/loop-a"), 0);
    EXPECT("loop-b", sys_symlink("loop-a", "/d/loop-b"), 0);
    EXPECT("loop-eloop", sys_open("/d/loop-a", O_RDONLY, 0), -ELOOP);
    EXPECT("loop-parent-eloop", sys_stat("/d/loop-a/x", &st), -ELOOP);
    EXPECT("link-through-parent-dotdot", sys_symlink("../d/file", "/d/up"), 0);
    expect_str("dotdot-target", get("/d/up"), "content");

    /* Links between mounts, and into /proc. */
    EXPECT("cross-mount-link", sys_symlink("/other", "/d/to-other"), 0);
    EXPECT("put-other", put("/d/to-other/f", "other"), 5);
    expect_str("cross-mount-read", get("/other/f"), "other");
    EXPECT("rename-through-links-exdev", sys_rename("/d/to-other/f", "/d/f"), -EXDEV);
    EXPECT("chdir-through-link", sys_chdir("/dirlink"), 0);
    char cwd[64];
    EXPECT("getcwd-resolved", sys_getcwd(cwd, sizeof(cwd)), 3);
    expect_str("cwd-is-target", cwd, "/d");
    expect_str("relative-open", get("rel"), "content");
    EXPECT("chdir-back", sys_chdir("/"), 0);

    /* unlink removes the link, not its target. */
    EXPECT("unlink-link", sys_unlink("/d/rel"), 0);
    expect_str("target-kept", get("/d/file"), "content");
}

static void proc_and_dev(void)
{
    struct stat st;
    expect_str("proc-self", link_of("/proc/self"), "7");
    expect_str("proc-exe", link_of("/proc/self/exe"), "/bin/prog");
    expect_str("proc-cwd", link_of("/proc/7/cwd"), "/");
    long fd = sys_open("/d/file", O_RDONLY, 0);
    char path[32];
    snprintf(path, sizeof(path), "/proc/self/fd/%ld", fd);
    expect_str("proc-fd", link_of(path), "/d/file");
    snprintf(path, sizeof(path), "%ld", fd);
    EXPECT("proc-fd-listed", strstr(listing("/proc/self/fd"), path) != NULL, 1);
    expect_str("dev-fd-resolves", link_of("/dev/fd/0"), "/dev/tty");
    EXPECT("proc-other-pid-enoent", sys_stat("/proc/8", &st), -ENOENT);
    EXPECT("proc-mkdir-erofs", sys_mkdir("/proc/x", 0755), -EROFS);
    EXPECT("dev-null-write", ({ long n = sys_open("/dev/null", O_WRONLY, 0); long w = sys_write((int)n, "abc", 3); sys_close((int)n); w; }), 3);
    /* /dev/stdout shares descriptor 1's console file. */
    long out = sys_open("/dev/stdout", O_WRONLY, 0);
    EXPECT("dev-stdout-open", out >= 0, 1);
    EXPECT("dev-stdout-is-console", out >= 0 && fd_file((int)out) == fd_file(1), 1);
    sys_close((int)out);
    sys_close((int)fd);
}

static void mount_tree(void)
{
    struct stat st;
    /* Mount points below the tmpfs root were made there, as Linux wants them. */
    expect_str("root-listing", listing("/"), ". .. d deep dev dirlink other proc ro");
    expect_str("deep-listing", listing("/deep"), ". .. mnt");
    EXPECT("mount-point-parent-dir", sys_stat("/deep/mnt", &st) == 0 && S_ISDIR(st.st_mode) &&
                                         (st.st_mode & 0777) == 0755, 1);
    EXPECT("mkdir-beside-mount", sys_mkdir("/deep/mnt/new", 0755), 0);
    EXPECT("mount-point-nonempty", sys_rmdir("/deep/mnt"), -ENOTEMPTY);
    EXPECT("rmdir-mount-ebusy", sys_rmdir("/deep/mnt/point"), -EBUSY);
    EXPECT("rmdir-root-ebusy", sys_rmdir("/"), -EBUSY);
    EXPECT("put-deep", put("/deep/mnt/point/x", "x"), 1);
    EXPECT("chdir-synthetic", sys_chdir("/deep/mnt"), 0);
    expect_str("relative-into-mount", get("point/x"), "x");
    EXPECT("chdir-dotdot", sys_chdir("../.."), 0);
    char cwd[8];
    EXPECT("getcwd-root", sys_getcwd(cwd, sizeof(cwd)), 2);

    EXPECT("ro-creat-erofs", sys_open("/ro/f", O_WRONLY | O_CREAT, 0644), -EROFS);
    EXPECT("ro-mkdir-erofs", sys_mkdir("/ro/d", 0755), -EROFS);
    EXPECT("ro-access-w-erofs", sys_access("/ro", W_OK), -EROFS);
    EXPECT("ro-access-r", sys_access("/ro", R_OK), 0);
    EXPECT("ro-chmod-erofs", sys_chmod("/ro", 0700), -EROFS);
    /* Each tmpfs is a device of its own, and says it is a tmpfs. */
    EXPECT("tmpfs-dev", sys_stat("/other", &st) == 0 && st.st_dev == makedev(0, DEV_TMPFS + 3), 1);
    EXPECT("tmpfs-dev-file", sys_stat("/deep/mnt/point/x", &st) == 0 && st.st_dev == makedev(0, DEV_TMPFS + 2), 1);
    char *text;
    size_t len;
    EXPECT("mounts-text", mounts_text(false, &text, &len), 0);
    EXPECT("mounts-tmpfs", strstr(text, "tmpfs /other tmpfs rw,nosuid,nodev,relatime 0 0\n") != NULL, 1);
    EXPECT("mounts-tmpfs-ro", strstr(text, "tmpfs /ro tmpfs ro,nosuid,nodev,relatime 0 0\n") != NULL, 1);
    kfree(text);
    EXPECT("ro-open-dir", ({ long d = sys_open("/ro", O_RDONLY, 0); sys_close((int)d); d >= 0; }), 1);
}

static void tmpfs_semantics(void)
{
    struct stat st;
    char buf[64];
    /* Unlinked while open: still readable and writable, then freed (ASan watches). */
    long fd = sys_open("/t", O_RDWR | O_CREAT | O_TRUNC, 0600);
    EXPECT("write", sys_write((int)fd, "hello", 5), 5);
    EXPECT("unlink-open", sys_unlink("/t"), 0);
    EXPECT("gone", sys_stat("/t", &st), -ENOENT);
    EXPECT("pread-after-unlink", sys_pread64((int)fd, buf, 5, 0), 5);
    EXPECT("fstat-nlink-0", sys_fstat((int)fd, &st) == 0 && st.st_nlink == 0, 1);
    sys_close((int)fd);

    /* Holes and truncation across page boundaries. */
    fd = sys_open("/h", O_RDWR | O_CREAT | O_TRUNC, 0600);
    EXPECT("pwrite-far", sys_pwrite64((int)fd, "z", 1, 10000), 1);
    EXPECT("size", sys_fstat((int)fd, &st) == 0 && st.st_size == 10001 && st.st_blocks == 8, 1);
    memset(buf, 1, sizeof(buf));
    EXPECT("hole-read", sys_pread64((int)fd, buf, 8, 4090), 8);
    EXPECT("hole-zero", buf[0] == 0 && buf[7] == 0, 1);
    EXPECT("fill", sys_pwrite64((int)fd, "abcdefgh", 8, 4092), 8);
    EXPECT("shrink", sys_ftruncate((int)fd, 4094), 0);
    EXPECT("grow", sys_ftruncate((int)fd, 8192), 0);
    EXPECT("read-across", sys_pread64((int)fd, buf, 8, 4092), 8);
    EXPECT("tail-zeroed", !memcmp(buf, "ab\0\0\0\0\0\0", 8), 1);
    EXPECT("append-mode", sys_fcntl((int)fd, F_SETFL, O_APPEND), 0);
    EXPECT("append-write", sys_write((int)fd, "Z", 1), 1);
    EXPECT("append-pos", sys_lseek((int)fd, 0, SEEK_CUR), 8193);
    EXPECT("seek-data-past-enxio", sys_lseek((int)fd, 9000, SEEK_DATA), -ENXIO);
    sys_close((int)fd);
    EXPECT("truncate-path", sys_truncate("/h", 0), 0);
    EXPECT("truncated", sys_stat("/h", &st) == 0 && st.st_size == 0 && st.st_blocks == 0, 1);

    /* rename's replacement rules. */
    EXPECT("mk-a", sys_mkdir("/ra", 0755), 0);
    EXPECT("mk-b", sys_mkdir("/rb", 0755), 0);
    EXPECT("put-b", put("/rb/x", "x"), 1);
    EXPECT("dir-over-nonempty-enotempty", sys_rename("/ra", "/rb"), -ENOTEMPTY);
    EXPECT("file-over-dir-eisdir", sys_rename("/rb/x", "/ra"), -EISDIR);
    EXPECT("dir-over-file-enotdir", sys_rename("/ra", "/rb/x"), -ENOTDIR);
    EXPECT("dir-into-itself-einval", sys_rename("/ra", "/ra/sub"), -EINVAL);
    EXPECT("dir-over-empty-dir", sys_rename("/rb", "/ra"), 0);
    expect_str("moved-content", get("/ra/x"), "x");
    EXPECT("old-gone", sys_stat("/rb", &st), -ENOENT);
    EXPECT("root-nlink", sys_stat("/ra", &st) == 0 && st.st_nlink == 2, 1);
    EXPECT("file-over-file", put("/ra/y", "y") == 1 && sys_rename("/ra/y", "/ra/x") == 0, 1);
    expect_str("replaced", get("/ra/x"), "y");
    expect_str("listing-after-rename", listing("/ra"), ". .. x");
    EXPECT("rename-flags-einval", sys_renameat2(AT_FDCWD, "/ra/x", AT_FDCWD, "/ra/z", 1), -EINVAL);
    EXPECT("rmdir-nonempty", sys_rmdir("/ra"), -ENOTEMPTY);
    EXPECT("rmdir-dot-einval", sys_rmdir("/ra/."), -EINVAL);
    EXPECT("unlink-x", sys_unlink("/ra/x"), 0);
    EXPECT("rmdir", sys_rmdir("/ra"), 0);

    /* A directory removed while open lists nothing. */
    EXPECT("mk-c", sys_mkdir("/c", 0755), 0);
    fd = sys_open("/c", O_RDONLY | O_DIRECTORY, 0);
    EXPECT("rmdir-open", sys_rmdir("/c"), 0);
    EXPECT("getdents-removed-enoent", sys_getdents64((int)fd, buf, sizeof(buf)), -ENOENT);
    EXPECT("fchdir-removed", sys_fchdir((int)fd), 0);
    sys_close((int)fd);
    EXPECT("chdir-root", sys_chdir("/"), 0);

    /* Modes. */
    EXPECT("chmod", sys_chmod("/h", 0751), 0);
    EXPECT("mode", sys_stat("/h", &st) == 0 && (st.st_mode & 07777) == 0751, 1);
    fd = sys_open("/h", O_WRONLY, 0);
    EXPECT("fchmod", sys_fchmod((int)fd, 0600), 0);
    EXPECT("fchmod-mode", sys_fstat((int)fd, &st) == 0 && (st.st_mode & 07777) == 0600, 1);
    sys_close((int)fd);
    /* Through a link: tmpfs links name the program's paths. */
    EXPECT("chmod-through-link", sys_symlink("/h", "/hl") == 0 && sys_chmod("/hl", 0640) == 0 &&
                                     sys_stat("/h", &st) == 0 && (st.st_mode & 07777) == 0640, 1);
    EXPECT("dir-wronly-eisdir", sys_open("/d", O_WRONLY, 0), -EISDIR);
    EXPECT("getdents-file-enotdir", ({ long f = sys_open("/h", O_RDONLY, 0); long r = sys_getdents64((int)f, buf, sizeof(buf)); sys_close((int)f); r; }), -ENOTDIR);
}

int main(void)
{
    setup();
    symlinks();
    proc_and_dev();
    mount_tree();
    tmpfs_semantics();
    for (int fd = 0; fd < MAX_FDS; fd++)
        if (fd_file(fd))
            fd_close(fd);
    char rm[64];
    snprintf(rm, sizeof(rm), "rm -rf %s", dir);
    if (system(rm) != 0)
        failures++;
    if (failures) {
        printf("%d failure(s)\n", failures);
        return 1;
    }
    printf("test_vfs_tmpfs: ok\n");
    return 0;
}
