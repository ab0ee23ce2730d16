// UNIT-SOURCES: monitor/core/pal_server.c monitor/pal/futex.c monitor/kvm/guest_mem.c monitor/core/upcall.c monitor/base/log.c monitor/base/thread.c monitor/base/waiting.c
/* HC_FUTEX over the fake VM: argument checks, a value that does not match,
 * timeouts, wake counts between threads of this test, an upcall event
 * ending a wait (-EINTR), and a wait in one process woken by a wake in
 * another through the shared memory (a MAP_SHARED memfd both inherit). */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/pal_server.h"
#include "pal/calls.h"
#include "hypercall.h"
#include "expect.h"
#include "fake_vm.h"

#define RAM_SIZE   (4ull << 20)
#define WORD_VA    0x7f0000001000ull   /* -> the first page of the shared memory */
#define RAM_WORD   0x30000ull           /* private RAM, VA == PA */
#define FOREVER    ((uint64_t)-1)

static struct vm vm;

static int64_t futex_call(uint64_t op, uint64_t va, uint64_t val, uint64_t t)
{
    const uint64_t a[6] = { op, va, val, t, 0, 0 };
    return pal_call(&vm, HC_FUTEX, a);
}

static uint32_t *shared_word(void) { return (uint32_t *)vm.shared; }

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static struct upcall_area *events(void) { return (struct upcall_area *)(vm.ram + GPA_UPCALL); }

static void test_args(void)
{
    EXPECT_EQ(futex_call(2, WORD_VA, 0, 0), -EINVAL);
    EXPECT_EQ(futex_call(HC_FUTEX_WAIT, WORD_VA + 2, 0, 0), -EINVAL);
    EXPECT_EQ(futex_call(HC_FUTEX_WAKE, WORD_VA + 1, 0, 1), -EINVAL);
    EXPECT_EQ(futex_call(HC_FUTEX_WAIT, WORD_VA + 0x10000, 0, 0), -EFAULT);   /* not mapped */
    EXPECT_EQ(futex_call(HC_FUTEX_WAKE, 1ull << 47, 0, 1), -EFAULT);
    EXPECT_EQ(futex_call(HC_FUTEX_WAIT, RAM_SIZE, 0, 0), -EFAULT);
    *shared_word() = 7;
    EXPECT_EQ(futex_call(HC_FUTEX_WAIT, WORD_VA, 8, FOREVER), -EAGAIN);
    EXPECT_EQ(futex_call(HC_FUTEX_WAKE, WORD_VA, 0, 10), 0);
    /* Upper bits of val are not the word's. */
    EXPECT_EQ(futex_call(HC_FUTEX_WAIT, WORD_VA, 7 | (1ull << 32), 0), -ETIMEDOUT);
}

static void test_timeout(void)
{
    *shared_word() = 1;
    uint64_t t0 = now_ms();
    EXPECT_EQ(futex_call(HC_FUTEX_WAIT, WORD_VA, 1, 20000000), -ETIMEDOUT);
    uint64_t took = now_ms() - t0;
    EXPECT(took >= 19 && took < 2000, "waited %llu ms for 20", (unsigned long long)took);
    EXPECT_EQ(futex_call(HC_FUTEX_WAIT, RAM_WORD, 0, 1000000), -ETIMEDOUT);
}

struct waiter {
    pthread_t t;
    uint64_t va;
    uint32_t val;
    int64_t ret;
};

static void *wait_main(void *arg)
{
    struct waiter *w = arg;
    w->ret = futex_call(HC_FUTEX_WAIT, w->va, w->val, FOREVER);
    return NULL;
}

static void start(struct waiter *w, uint64_t va, uint32_t val)
{
    *w = (struct waiter){ .va = va, .val = val, .ret = 1 };
    pthread_create(&w->t, NULL, wait_main, w);
}

/* Wakes until n waiters have been woken in all, or a few seconds passed. */
static int64_t wake_until(uint64_t va, int64_t n, uint64_t count)
{
    int64_t woken = 0;
    for (uint64_t end = now_ms() + 5000; woken < n && now_ms() < end; usleep(1000)) {
        int64_t r = futex_call(HC_FUTEX_WAKE, va, 0, count);
        if (r < 0)
            return r;
        woken += r;
    }
    return woken;
}

static void test_wake_counts(void)
{
    *shared_word() = 5;
    struct waiter w[3];
    for (int i = 0; i < 3; i++)
        start(&w[i], WORD_VA, 5);
    usleep(200000);   /* let all three sleep */
    EXPECT_EQ(futex_call(HC_FUTEX_WAKE, WORD_VA, 0, 2), 2);
    EXPECT_EQ(wake_until(WORD_VA, 1, UINT64_MAX), 1);   /* count clamped to INT_MAX */
    for (int i = 0; i < 3; i++) {
        pthread_join(w[i].t, NULL);
        EXPECT_EQ(w[i].ret, 0);
    }
    EXPECT_EQ(futex_call(HC_FUTEX_WAKE, WORD_VA, 0, 1), 0);
    /* A word in private RAM works within the process. */
    start(&w[0], RAM_WORD, 0);
    EXPECT_EQ(wake_until(RAM_WORD, 1, 1), 1);
    pthread_join(w[0].t, NULL);
    EXPECT_EQ(w[0].ret, 0);
}

/* An event posted as upcall_post does it: pending set, then its futex woken. */
static void post_event(void)
{
    __atomic_store_n(&events()->pending, 1, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, &events()->pending, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void test_interrupted(void)
{
    *shared_word() = 3;
    post_event();
    EXPECT_EQ(futex_call(HC_FUTEX_WAIT, WORD_VA, 3, FOREVER), -EINTR);
    EXPECT_EQ(futex_call(HC_FUTEX_WAIT, WORD_VA, 4, FOREVER), -EAGAIN);  /* the value first, as Linux */
    events()->pending = 0;
    struct waiter w;
    start(&w, WORD_VA, 3);
    usleep(30000);
    EXPECT_EQ(w.ret, 1);   /* still asleep */
    post_event();
    pthread_join(w.t, NULL);
    EXPECT_EQ(w.ret, -EINTR);
    events()->pending = 0;
}

/* The child waits on the shared word; the parent's wake in its own process
 * ends it.  Then the other way round, on a second word that nobody changes,
 * so that neither wait can miss its value. */
static void test_across_processes(void)
{
    *shared_word() = 9;
    shared_word()[1] = 0;
    pid_t child = fork();
    if (child == 0) {
        if (futex_call(HC_FUTEX_WAIT, WORD_VA, 9, 5000000000ull) != 0)
            _exit(1);
        _exit(wake_until(WORD_VA + 4, 1, 1) == 1 ? 0 : 2);
    }
    EXPECT_EQ(wake_until(WORD_VA, 1, 1), 1);
    EXPECT_EQ(futex_call(HC_FUTEX_WAIT, WORD_VA + 4, 0, 5000000000ull), 0);
    int status;
    EXPECT(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
           "child status %#x", status);
}

int main(void)
{
    if (fake_vm_map(&vm, RAM_SIZE))
        return 2;
    fake_vm_map_page(&vm, WORD_VA, GPA_SHARED, 1, PTE_RW);
    pal_futex_setup();
    static const struct unit_test tests[] = {
        { "args", test_args },                 { "timeout", test_timeout },
        { "wake_counts", test_wake_counts },   { "interrupted", test_interrupted },
        { "across_processes", test_across_processes },
    };
    run_tests(tests, sizeof tests / sizeof *tests);
    return failures ? 1 : 0;
}
