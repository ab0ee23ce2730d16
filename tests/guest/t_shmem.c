// Memory shared between processes: MAP_SHARED|MAP_ANONYMOUS across fork (both
// ways), MAP_PRIVATE copy on write across fork (both ways), a MAP_SHARED file
// mapping coherent with pread/pwrite in another process, msync, and mremap
// growing it over more of the file;
// memfd_create; shm_open in /dev/shm; a futex wait in one process woken by a
// wake in another; a process-shared pthread mutex and condition variable;
// MADV_WIPEONFORK, MADV_DONTFORK, MADV_DONTNEED (private and shared).
// Children report by exit status only (and _exit, so that no stdio buffer is
// written twice); events are ordered by pipes, waitpid and shared words,
// never by sleeping.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

#define PAGE 4096ul
/* <linux/futex.h>: musl-gcc sees no kernel headers. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

/* Set by shared_anonymous: without shared memory, the futex and pthread
 * parts would wait for ever on words the other process never changes. */
static int shared_memory_works;

static int filled(const volatile unsigned char *p, size_t len, unsigned char v)
{
    for (size_t i = 0; i < len; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

static void *shared_anon(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("FAIL setup: mmap shared (errno=%d)\n", errno);
        exit(1);
    }
    return p;
}

static void *private_anon(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("FAIL setup: mmap private (errno=%d)\n", errno);
        exit(1);
    }
    return p;
}

static pid_t fork_or_die(void)
{
    pid_t pid = fork();
    if (pid < 0) {
        printf("FAIL setup: fork (errno=%d)\n", errno);
        exit(1);
    }
    return pid;
}

/* Waits for pid: did it exit with status 0? */
static int reaped_ok(pid_t pid)
{
    int st;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Blocks until the other end writes a byte (or closes). */
static void await(int fd)
{
    char c;
    if (read(fd, &c, 1) < 0)
        _exit(3);
}

static void signal_fd(int fd)
{
    if (write(fd, "x", 1) != 1)
        _exit(3);
}

static void shared_anonymous(void)
{
    size_t len = 16 * PAGE;
    volatile unsigned char *p = shared_anon(len);
    memset((void *)p, 1, len);
    pid_t pid = fork_or_die();
    if (pid == 0) {
        int saw = filled(p, len, 1);
        memset((void *)p, 2, len);
        _exit(saw ? 0 : 1);
    }
    CHECK("shared-anon-child-sees-parent", reaped_ok(pid));
    shared_memory_works = filled(p, len, 2);
    CHECK("shared-anon-parent-sees-child", shared_memory_works);
    memset((void *)p + PAGE, 3, PAGE);
    pid = fork_or_die();
    if (pid == 0)
        _exit(filled(p + PAGE, PAGE, 3) && filled(p, PAGE, 2) ? 0 : 1);
    CHECK("shared-anon-second-child-sees-later-write", reaped_ok(pid));

    /* Shared with a child that is alive the whole time. */
    int go[2];
    CHECK("shared-anon-live-pipe", pipe(go) == 0);
    pid = fork_or_die();
    if (pid == 0) {
        await(go[0]);
        _exit(filled(p, PAGE, 4) ? 0 : 1);
    }
    memset((void *)p, 4, PAGE);
    signal_fd(go[1]);
    CHECK("shared-anon-live-child-sees-write", reaped_ok(pid));
    close(go[0]);
    close(go[1]);
    munmap((void *)p, len);
}

static void private_cow(void)
{
    size_t len = 4 * PAGE;
    volatile unsigned char *p = private_anon(len);
    int go[2];
    memset((void *)p, 'A', len);
    CHECK("cow-pipe", pipe(go) == 0);
    pid_t pid = fork_or_die();
    if (pid == 0) {
        await(go[0]);                   /* the parent has written by now */
        int ok = filled(p, len, 'A');
        memset((void *)p, 'C', len);
        _exit(ok && filled(p, len, 'C') ? 0 : 1);
    }
    memset((void *)p + PAGE, 'B', PAGE);
    signal_fd(go[1]);
    CHECK("cow-child-keeps-own-copy", reaped_ok(pid));
    CHECK("cow-parent-keeps-own-copy", filled(p, PAGE, 'A') && filled(p + PAGE, PAGE, 'B') &&
                                       filled(p + 2 * PAGE, 2 * PAGE, 'A'));
    close(go[0]);
    close(go[1]);
    munmap((void *)p, len);
}

static void shared_file(const char *dir)
{
    char path[PATH_MAX];
    static unsigned char buf[2 * 4096];
    size_t len = 2 * PAGE;
    int fd = open(path_join(path, dir, "shared.dat"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("shared-file-setup", fd >= 0 && ftruncate(fd, (off_t)len) == 0);
    volatile unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK("shared-file-mmap", p != MAP_FAILED);
    if (p == MAP_FAILED)
        return;

    /* A child maps the file itself, writes, exits without msync. */
    pid_t pid = fork_or_die();
    if (pid == 0) {
        int cfd = open(path, O_RDWR);
        unsigned char *c = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        if (c == MAP_FAILED)
            _exit(1);
        memset(c, 'c', len);
        _exit(0);
    }
    CHECK("shared-file-child-writes", reaped_ok(pid));
    CHECK("shared-file-pread-sees-child", pread(fd, buf, len, 0) == (ssize_t)len && filled(buf, len, 'c'));
    CHECK("shared-file-mapping-sees-child", filled(p, len, 'c'));

    /* The parent pwrites; a child reads through the mapping it inherited,
     * made before the write. */
    int go[2];
    CHECK("shared-file-pipe", pipe(go) == 0);
    pid = fork_or_die();
    if (pid == 0) {
        await(go[0]);
        _exit(filled(p, PAGE, 'c') && filled(p + PAGE, PAGE, 'p') ? 0 : 1);
    }
    memset(buf, 'p', PAGE);
    CHECK("shared-file-pwrite", pwrite(fd, buf, PAGE, (off_t)PAGE) == (ssize_t)PAGE);
    signal_fd(go[1]);
    CHECK("shared-file-child-mapping-sees-pwrite", reaped_ok(pid));
    close(go[0]);
    close(go[1]);

    /* The parent writes through its mapping, msyncs; a child preads. */
    memset((void *)p, 'm', PAGE);
    CHECK("shared-file-msync", msync((void *)p, len, MS_SYNC) == 0);
    CHECK("shared-file-msync-async", msync((void *)p, len, MS_ASYNC) == 0);
    pid = fork_or_die();
    if (pid == 0) {
        unsigned char b[4096];
        _exit(pread(fd, b, PAGE, 0) == (ssize_t)PAGE && filled(b, PAGE, 'm') ? 0 : 1);
    }
    CHECK("shared-file-child-pread-sees-mapping", reaped_ok(pid));
    munmap((void *)p, len);
    close(fd);

    /* After munmap and close, the file keeps what was written. */
    fd = open(path, O_RDONLY);
    CHECK("shared-file-persists", fd >= 0 && pread(fd, buf, len, 0) == (ssize_t)len && filled(buf, PAGE, 'm') &&
                                  filled(buf + PAGE, PAGE, 'p'));
    close(fd);
}

static void memfd(void)
{
    size_t len = 4 * PAGE;
    unsigned char buf[64];
    int fd = memfd_create("picovm-t-shmem", MFD_CLOEXEC);
    CHECK("memfd-create", fd >= 0);
    CHECK("memfd-ftruncate", ftruncate(fd, (off_t)len) == 0);
    volatile unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK("memfd-mmap-shared", p != MAP_FAILED);
    if (p == MAP_FAILED)
        return;
    CHECK("memfd-zeroed", filled(p, len, 0));
    pid_t pid = fork_or_die();
    if (pid == 0) {
        memset((void *)p + PAGE, 'f', PAGE);
        _exit(0);
    }
    CHECK("memfd-child-writes", reaped_ok(pid));
    CHECK("memfd-parent-mapping-sees-child", filled(p + PAGE, PAGE, 'f') && filled(p, PAGE, 0));
    CHECK("memfd-pread-sees-child", pread(fd, buf, sizeof buf, (off_t)PAGE) == sizeof buf &&
                                    filled(buf, sizeof buf, 'f'));
    munmap((void *)p, len);
    close(fd);
}

static void posix_shm(void)
{
    char name[64], path[96];
    struct stat st;
    size_t len = 2 * PAGE;
    snprintf(name, sizeof name, "/picovm-t-shmem-%ld", (long)getpid());
    snprintf(path, sizeof path, "/dev/shm%s", name);
    shm_unlink(name);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    CHECK("shm-open-create", fd >= 0);
    CHECK("shm-file-in-dev-shm", stat(path, &st) == 0 && S_ISREG(st.st_mode));
    CHECK("shm-ftruncate", ftruncate(fd, (off_t)len) == 0);
    volatile unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK("shm-mmap", p != MAP_FAILED);
    if (p == MAP_FAILED)
        return;
    close(fd);
    /* The child opens the object by name and maps it on its own. */
    pid_t pid = fork_or_die();
    if (pid == 0) {
        int cfd = shm_open(name, O_RDWR, 0);
        unsigned char *c = cfd < 0 ? MAP_FAILED : mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
        if (c == MAP_FAILED)
            _exit(1);
        memset(c, 's', len);
        _exit(0);
    }
    CHECK("shm-child-opens-and-writes", reaped_ok(pid));
    CHECK("shm-parent-sees-child", filled(p, len, 's'));
    CHECK("shm-unlink", shm_unlink(name) == 0);
    CHECK("shm-unlinked-gone", shm_open(name, O_RDWR, 0) == -1 && errno == ENOENT);
    CHECK("shm-mapping-outlives-unlink", filled(p, len, 's'));
    munmap((void *)p, len);
}

/* A shared futex wait that gives up after a second, so that a wake which
 * never arrives ends in a FAIL line, not a hang; the callers loop on the
 * value, so the timeout orders nothing. */
static long futex_wait(volatile uint32_t *word, uint32_t val)
{
    struct timespec limit = { .tv_sec = 1 };
    return syscall(SYS_futex, word, FUTEX_WAIT, val, &limit, NULL, 0);
}

static long futex_wake(volatile uint32_t *word)
{
    return syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* Yields until *word >= want, at most bound times: 1 if it got there. */
static int spin_until(volatile uint32_t *word, uint32_t want, long bound)
{
    for (long i = 0; i < bound; i++) {
        if (__atomic_load_n(word, __ATOMIC_ACQUIRE) >= want)
            return 1;
        sched_yield();
    }
    return 0;
}

/* Wakes one waiter on word until a wake reports one woken (proof that the
 * other process was asleep on that word): 1 if that happened. */
static int wake_a_sleeper(volatile uint32_t *word)
{
    for (long i = 0; i < 1000000; i++) {
        if (futex_wake(word) == 1)
            return 1;
        sched_yield();
    }
    return 0;
}

/* Waits while *value is 0: how many waits returned 0 (were woken). */
static uint32_t wait_while_zero(volatile uint32_t *value)
{
    uint32_t woken = 0;
    while (__atomic_load_n(value, __ATOMIC_ACQUIRE) == 0)
        if (futex_wait(value, 0) == 0)
            woken++;
    return woken;
}

/* Shared (not private) futexes on a MAP_SHARED page, each way between parent
 * and child: one process sleeps in FUTEX_WAIT while the word is 0, the other
 * wakes until a wake finds it, then sets the word and wakes it for good.
 * An early or spurious return is harmless: the sleeper loops on the value
 * (FUTEX_WAIT fails with EAGAIN once the word has changed). */
static void futex_across_processes(void)
{
    if (!shared_memory_works) {
        printf("FAIL futex: not tried, MAP_SHARED memory is not shared\n");
        check_failures++;
        return;
    }
    volatile uint32_t *w = shared_anon(PAGE);
    volatile uint32_t *ready = w, *value = w + 1, *woken = w + 2;
    CHECK("futex-wait-wrong-value-eagain", futex_wait(value, 1) == -1 && errno == EAGAIN);
    CHECK("futex-wake-nobody", futex_wake(value) == 0);

    pid_t pid = fork_or_die();
    if (pid == 0) {
        __atomic_store_n(ready, 1, __ATOMIC_RELEASE);
        __atomic_store_n(woken, wait_while_zero(value), __ATOMIC_RELEASE);
        _exit(0);
    }
    CHECK("futex-child-ready", spin_until(ready, 1, 1000000));
    CHECK("futex-wake-finds-child-asleep", wake_a_sleeper(value));
    __atomic_store_n(value, 1, __ATOMIC_RELEASE);
    futex_wake(value);
    CHECK("futex-child-done", reaped_ok(pid));
    CHECK("futex-child-was-woken", *woken >= 1);

    *ready = 0;
    *value = 0;
    pid = fork_or_die();
    if (pid == 0) {
        int found = spin_until(ready, 1, 1000000) && wake_a_sleeper(value);
        __atomic_store_n(value, 1, __ATOMIC_RELEASE);
        futex_wake(value);
        _exit(found ? 0 : 1);
    }
    __atomic_store_n(ready, 1, __ATOMIC_RELEASE);
    uint32_t parent_woken = wait_while_zero(value);
    CHECK("futex-child-wake-finds-parent-asleep", reaped_ok(pid));
    CHECK("futex-parent-was-woken", parent_woken >= 1);
    munmap((void *)w, PAGE);
}

struct pingpong {
    pthread_mutex_t lock;
    pthread_cond_t turn_changed;
    int turn;                           /* 0: the parent's, 1: the child's */
    int count;
};

/* Each side, ROUNDS times: wait for its turn, count, hand the turn over. */
#define ROUNDS 200
static int take_turns(struct pingpong *s, int me)
{
    for (int i = 0; i < ROUNDS; i++) {
        if (pthread_mutex_lock(&s->lock))
            return 0;
        while (s->turn != me)
            pthread_cond_wait(&s->turn_changed, &s->lock);
        s->count++;
        s->turn = !me;
        pthread_cond_broadcast(&s->turn_changed);
        pthread_mutex_unlock(&s->lock);
    }
    return 1;
}

static void process_shared_pthread(void)
{
    if (!shared_memory_works) {
        printf("FAIL pshared: not tried, MAP_SHARED memory is not shared\n");
        check_failures++;
        return;
    }
    struct pingpong *s = shared_anon(sizeof *s);
    pthread_mutexattr_t ma;
    pthread_condattr_t ca;
    pthread_mutexattr_init(&ma);
    pthread_condattr_init(&ca);
    CHECK("pshared-mutexattr", pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) == 0);
    CHECK("pshared-condattr", pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED) == 0);
    CHECK("pshared-init", pthread_mutex_init(&s->lock, &ma) == 0 && pthread_cond_init(&s->turn_changed, &ca) == 0);
    s->turn = 0;
    s->count = 0;
    pid_t pid = fork_or_die();
    if (pid == 0)
        _exit(take_turns(s, 1) ? 0 : 1);
    CHECK("pshared-parent-turns", take_turns(s, 0));
    CHECK("pshared-child-turns", reaped_ok(pid));
    CHECK("pshared-count", s->count == 2 * ROUNDS && s->turn == 0);
    pthread_cond_destroy(&s->turn_changed);
    pthread_mutex_destroy(&s->lock);
    munmap(s, sizeof *s);
}

static sigjmp_buf fault_jump;

static void on_segv(int sig)
{
    (void)sig;
    siglongjmp(fault_jump, 1);
}

/* In a child: 0 if reading *p faults, 1 if it does not. */
static int read_faults(volatile unsigned char *p)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_segv;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(fault_jump, 1))
        return 0;
    (void)*p;
    return 1;
}

static void madvise_fork(void)
{
    size_t len = 4 * PAGE;
    volatile unsigned char *p = private_anon(len);
    memset((void *)p, 'w', len);
    CHECK("wipeonfork", madvise((void *)p, len, MADV_WIPEONFORK) == 0);
    pid_t pid = fork_or_die();
    if (pid == 0)
        _exit(filled(p, len, 0) ? 0 : 1);
    CHECK("wipeonfork-child-sees-zeros", reaped_ok(pid));
    CHECK("wipeonfork-parent-keeps", filled(p, len, 'w'));
    void *s = shared_anon(PAGE);
    CHECK("wipeonfork-shared-einval", FAILS_WITH(madvise(s, PAGE, MADV_WIPEONFORK), EINVAL));
    munmap(s, PAGE);
    CHECK("keeponfork", madvise((void *)p, len, MADV_KEEPONFORK) == 0);
    pid = fork_or_die();
    if (pid == 0)
        _exit(filled(p, len, 'w') ? 0 : 1);
    CHECK("keeponfork-child-sees-data", reaped_ok(pid));
    munmap((void *)p, len);

    p = private_anon(len);
    memset((void *)p, 'd', len);
    CHECK("dontfork", madvise((void *)p, len, MADV_DONTFORK) == 0);
    pid = fork_or_die();
    if (pid == 0)
        _exit(read_faults(p + PAGE));
    CHECK("dontfork-child-faults", reaped_ok(pid));
    CHECK("dontfork-parent-keeps", filled(p, len, 'd'));
    CHECK("dofork", madvise((void *)p, len, MADV_DOFORK) == 0);
    pid = fork_or_die();
    if (pid == 0)
        _exit(filled(p, len, 'd') ? 0 : 1);
    CHECK("dofork-child-sees-data", reaped_ok(pid));
    munmap((void *)p, len);
}

static volatile int bus_code;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    bus_code = si->si_code;
    siglongjmp(fault_jump, 1);
}

/* 1 if touching *p raises SIGBUS (BUS_ADRERR), 0 if it does not. */
static int touch_buses(volatile unsigned char *p)
{
    struct sigaction sa = { 0 }, old;
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &old);
    bus_code = 0;
    int bused = 1;
    if (!sigsetjmp(fault_jump, 1)) {
        *p = 1;
        bused = 0;
    }
    sigaction(SIGBUS, &old, NULL);
    return bused && bus_code == BUS_ADRERR;
}

/* Pages of a shared file mapping past the file's end are SIGBUS, as on
 * Linux, until the file grows. */
static void past_the_end(const char *dir)
{
    char path[PATH_MAX];
    int fd = open(path_join(path, dir, "short.dat"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("past-end-setup", fd >= 0 && ftruncate(fd, PAGE / 2) == 0);
    volatile unsigned char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK("past-end-mmap", p != MAP_FAILED);
    CHECK("past-end-last-page-of-file", !touch_buses(p + PAGE / 2 + 1));
    CHECK("past-end-sigbus", touch_buses(p + PAGE + 1));
    CHECK("past-end-grown", ftruncate(fd, 2 * PAGE) == 0 && !touch_buses(p + PAGE + 1));
    CHECK("past-end-still-sigbus", touch_buses(p + 2 * PAGE));
    CHECK("past-end-write-grows", pwrite(fd, "x", 1, 3 * PAGE - 1) == 1 && !touch_buses(p + 2 * PAGE) &&
                                      p[3 * PAGE - 1] == 'x');
    munmap((void *)p, 3 * PAGE);
    close(fd);
}

/* mremap grows a shared file mapping over the file's later bytes (written
 * while it was smaller), keeping what it held; msync writes it all back. */
static void mremap_grows(const char *dir)
{
    char path[PATH_MAX], c = 0;
    size_t small = 2 << 20, big = 4 << 20;
    int fd = open(path_join(path, dir, "grows.dat"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK("mremap-grow-setup", fd >= 0 && ftruncate(fd, (off_t)small) == 0);
    volatile char *p = mmap(NULL, small, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK("mremap-grow-mmap", p != MAP_FAILED);
    p[0] = 'a';
    p[small - 1] = 'b';
    CHECK("mremap-grow-file-grows", ftruncate(fd, (off_t)big) == 0 && pwrite(fd, "c", 1, 3 << 20) == 1);
    volatile char *q = mremap((void *)p, small, big, MREMAP_MAYMOVE);
    CHECK("mremap-grow", q != MAP_FAILED);
    if (q == MAP_FAILED) {
        munmap((void *)p, small);
        close(fd);
        return;
    }
    CHECK("mremap-grow-kept", q[0] == 'a' && q[small - 1] == 'b');
    CHECK("mremap-grow-file-bytes", q[3 << 20] == 'c');
    q[big - 1] = 'd';
    CHECK("mremap-grow-msync", msync((void *)q, big, MS_SYNC) == 0 && pread(fd, &c, 1, (off_t)big - 1) == 1 &&
                                   c == 'd');
    munmap((void *)q, big);
    close(fd);
}

static void madvise_dontneed(void)
{
    size_t len = 8 * PAGE;
    volatile unsigned char *p = private_anon(len);
    memset((void *)p, 'n', len);
    CHECK("dontneed-private", madvise((void *)p + 2 * PAGE, 4 * PAGE, MADV_DONTNEED) == 0);
    CHECK("dontneed-private-zeros", filled(p + 2 * PAGE, 4 * PAGE, 0));
    CHECK("dontneed-private-rest-kept", filled(p, 2 * PAGE, 'n') && filled(p + 6 * PAGE, 2 * PAGE, 'n'));
    memset((void *)p, 'r', len);
    CHECK("dontneed-private-writable-again", filled(p, len, 'r'));
    /* MADV_FREE may or may not have dropped the pages: only the call is checked. */
    CHECK("free-private", madvise((void *)p, len, MADV_FREE) == 0);
    munmap((void *)p, len);

    /* Shared memory lives on behind the mapping: DONTNEED loses nothing. */
    p = shared_anon(len);
    memset((void *)p, 's', len);
    CHECK("dontneed-shared", madvise((void *)p, len, MADV_DONTNEED) == 0);
    CHECK("dontneed-shared-keeps-data", filled(p, len, 's'));
    munmap((void *)p, len);
}

int main(void)
{
    char dir[PATH_MAX];
    /* A line at a time, so that a run killed for hanging shows how far it
     * got; children leave by _exit, so no buffer is ever written twice. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    shared_anonymous();
    private_cow();
    scratch_dir(dir, "T_RW", "t_shmem.d");
    shared_file(dir);
    past_the_end(dir);
    mremap_grows(dir);
    remove_tree(dir);
    memfd();
    posix_shm();
    futex_across_processes();
    process_shared_pthread();
    madvise_fork();
    madvise_dontneed();
    return check_exit_status();
}
