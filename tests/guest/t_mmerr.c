// Memory calls that must fail, with Linux's errno, and the memory resource
// limits as Linux reports them by default: EACCES for write access to a
// MAP_SHARED mapping of a read-only file (at mmap and at mprotect), EBADF for
// a bad descriptor (shared and private), EINVAL for bad lengths, alignments
// and map types and for madvise advice the mapping refuses (a locked one,
// MADV_FREE of anything but private anonymous memory), EFAULT for mremap of
// nothing, ENOMEM for ranges no 47-bit space holds, for mprotect of nothing
// and for madvise over a hole; a hint above the 47-bit space is ignored;
// RLIMIT_DATA and RLIMIT_AS are unlimited.  Raw system calls where a libc
// wrapper might answer first.  Assumes 4-level paging natively.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

#define PAGE 4096ul

/* mmap as the kernel answers it: MAP_FAILED with errno err? */
static int mmap_fails(void *addr, size_t len, int prot, int flags, int fd, int err)
{
    void *p = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, 0);
    if (p != MAP_FAILED) {
        munmap(p, len);
        return 0;
    }
    return errno == err;
}

/* A page-aligned address with nothing mapped there. */
static unsigned char *unmapped(size_t len)
{
    unsigned char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || munmap(p, len) != 0) {
        printf("FAIL setup: mmap (errno=%d)\n", errno);
        exit(1);
    }
    return p;
}

static void file_access(void)
{
    char path[PATH_MAX];
    int fd = open(path_join(path, env_dir("T_RO"), "big.bin"), O_RDONLY);
    CHECK("open-ro-file", fd >= 0);
    void *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK("mmap-shared-ro-file-read", p != MAP_FAILED);
    CHECK("mprotect-write-shared-ro-file-eacces", FAILS_WITH(mprotect(p, PAGE, PROT_READ | PROT_WRITE), EACCES));
    CHECK("mprotect-shared-ro-file-still-readable", ((unsigned char *)p)[7] == 7);
    munmap(p, PAGE);
    CHECK("mmap-write-shared-ro-file-eacces", mmap_fails(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, EACCES));
    /* A private mapping may be made writable: the file never sees it. */
    p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK("mprotect-write-private-ro-file-ok", p != MAP_FAILED && mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0);
    munmap(p, PAGE);
    /* MAP_SHARED_VALIDATE (MAP_SHARED|MAP_PRIVATE) is a valid file map type. */
    p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE, fd, 0);
    CHECK("mmap-shared-validate-file-ok", p != MAP_FAILED && ((unsigned char *)p)[9] == 9);
    munmap(p, PAGE);
    close(fd);

    char dir[PATH_MAX];
    scratch_dir(dir, "T_RW", "t_mmerr.d");
    fd = open(path_join(path, dir, "wo"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK("mmap-wronly-file-eacces", fd >= 0 && ftruncate(fd, PAGE) == 0 &&
                                     mmap_fails(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, EACCES));
    close(fd);
    remove_tree(dir);
}

static void bad_descriptors(void)
{
    CHECK("mmap-bad-fd-shared-ebadf", mmap_fails(NULL, PAGE, PROT_READ, MAP_SHARED, 999, EBADF));
    CHECK("mmap-bad-fd-private-ebadf", mmap_fails(NULL, PAGE, PROT_READ, MAP_PRIVATE, 999, EBADF));
    CHECK("mmap-minus-one-fd-shared-ebadf", mmap_fails(NULL, PAGE, PROT_READ, MAP_SHARED, -1, EBADF));
}

static void bad_arguments(void)
{
    int anon = MAP_PRIVATE | MAP_ANONYMOUS;
    unsigned char *hole = unmapped(4 * PAGE);
    CHECK("mmap-zero-len-einval", mmap_fails(NULL, 0, PROT_READ, anon, -1, EINVAL));
    CHECK("mmap-fixed-unaligned-einval", mmap_fails(hole + 1, PAGE, PROT_READ, anon | MAP_FIXED, -1, EINVAL));
    CHECK("mmap-shared-and-private-anon-einval",
          mmap_fails(NULL, PAGE, PROT_READ, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, EINVAL));
    CHECK("mmap-no-type-einval", mmap_fails(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, EINVAL));
    CHECK("munmap-unaligned-einval", FAILS_WITH(syscall(SYS_munmap, hole + 1, PAGE), EINVAL));
    CHECK("munmap-zero-len-einval", FAILS_WITH(syscall(SYS_munmap, hole, 0), EINVAL));
    CHECK("munmap-unmapped-ok", syscall(SYS_munmap, hole, 4 * PAGE) == 0);
    CHECK("mremap-unmapped-efault", FAILS_WITH(syscall(SYS_mremap, hole, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EFAULT));
    CHECK("mremap-zero-new-len-einval", FAILS_WITH(syscall(SYS_mremap, hole, PAGE, 0, MREMAP_MAYMOVE), EINVAL));
    CHECK("mprotect-unmapped-enomem", FAILS_WITH(syscall(SYS_mprotect, hole, 4 * PAGE, PROT_READ), ENOMEM));
    CHECK("madvise-unmapped-enomem", FAILS_WITH(syscall(SYS_madvise, hole, 4 * PAGE, MADV_DONTNEED), ENOMEM));

    /* A hole at the start: mprotect refuses before changing anything. */
    unsigned char *p = mmap(hole + PAGE, PAGE, PROT_READ | PROT_WRITE, anon | MAP_FIXED, -1, 0);
    CHECK("mprotect-hole-first-enomem", p == hole + PAGE &&
                                        FAILS_WITH(mprotect(hole, 2 * PAGE, PROT_READ), ENOMEM));
    if (p != hole + PAGE)
        return;
    p[0] = 1;
    CHECK("mprotect-hole-first-mapped-page-kept", p[0] == 1);
    munmap(p, PAGE);
}

/* madvise advice that a mapping's kind refuses (EINVAL), and a hole past the
 * start of the range (ENOMEM), as madvise02 checks them. */
static void madvise_refusals(void)
{
    char path[PATH_MAX];
    int fd = open(path_join(path, env_dir("T_RO"), "big.bin"), O_RDONLY);
    unsigned char *shared = mmap(NULL, 4 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    unsigned char *private = mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    unsigned char *anon = mmap(NULL, 4 * PAGE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK("madvise-setup", fd >= 0 && shared != MAP_FAILED && private != MAP_FAILED && anon != MAP_FAILED);
    CHECK("madvise-free-shared-file-einval", FAILS_WITH(madvise(shared, 4 * PAGE, MADV_FREE), EINVAL));
    CHECK("madvise-free-private-file-einval", FAILS_WITH(madvise(private, 4 * PAGE, MADV_FREE), EINVAL));
    CHECK("madvise-free-shared-anon-einval", FAILS_WITH(madvise(anon, 4 * PAGE, MADV_FREE), EINVAL));
    CHECK("madvise-dontneed-unlocked", madvise(shared, 4 * PAGE, MADV_DONTNEED) == 0);
    CHECK("madvise-dontneed-locked-einval",
          mlock(shared, 4 * PAGE) == 0 && FAILS_WITH(madvise(shared, 4 * PAGE, MADV_DONTNEED), EINVAL));
    munlock(shared, 4 * PAGE);
    munmap(shared + 3 * PAGE, PAGE);
    CHECK("madvise-normal-hole-at-end-enomem", FAILS_WITH(madvise(shared, 4 * PAGE, MADV_NORMAL), ENOMEM));
    CHECK("madvise-willneed-hole-at-end-enomem", FAILS_WITH(madvise(shared, 4 * PAGE, MADV_WILLNEED), ENOMEM));
    munmap(shared, 3 * PAGE);
    munmap(private, 4 * PAGE);
    munmap(anon, 4 * PAGE);
    close(fd);
}

static void address_space_limits(void)
{
    int anon = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    uintptr_t top = 1ul << 47;
    CHECK("mmap-2-pow-47-enomem", mmap_fails(NULL, top, PROT_NONE, anon, -1, ENOMEM));
    CHECK("mmap-fixed-above-47-bits-enomem", mmap_fails((void *)top, PAGE, PROT_READ, anon | MAP_FIXED, -1, ENOMEM));
    CHECK("mmap-fixed-across-top-enomem",
          mmap_fails((void *)(top - PAGE), 2 * PAGE, PROT_READ, anon | MAP_FIXED, -1, ENOMEM));
    void *p = mmap((void *)(top + (1ul << 40)), PAGE, PROT_READ | PROT_WRITE, anon, -1, 0);
    CHECK("mmap-hint-above-47-bits-ignored", p != MAP_FAILED && (uintptr_t)p + PAGE <= top);
    if (p != MAP_FAILED)
        munmap(p, PAGE);
}

static void limits(void)
{
    struct rlimit rl;
    CHECK("rlimit-data-infinity", getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY &&
                                  rl.rlim_max == RLIM_INFINITY);
    CHECK("rlimit-as-infinity", getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY &&
                                rl.rlim_max == RLIM_INFINITY);
}

int main(void)
{
    file_access();
    bad_descriptors();
    bad_arguments();
    madvise_refusals();
    address_space_limits();
    limits();
    return check_exit_status();
}
