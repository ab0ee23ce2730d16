// capget and capset as Linux answers a program without file capabilities:
// versions, errors, the rules of capset, and what setuid does to the sets;
// prctl's bounding set, ambient set, securebits and THP options; and
// personality, stored as Linux stores it.  Only facts that hold on any
// kernel are printed (how many capabilities exist differs between them).
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "check.h"

/* musl's headers carry no <linux/capability.h>: the kernel's ABI. */
#define CAP_V1 0x19980330
#define CAP_V3 0x20080522
#define CAP_SETUID 7
#define CAP_SETPCAP 8
#define CAP_NET_RAW 13
#define ADDR_NO_RANDOMIZE 0x0040000
#define UNAME26 0x0020000

struct cap_header {
    uint32_t version;
    int pid;
};
struct cap_data {
    uint32_t effective, permitted, inheritable;
};

static long capget(uint32_t version, int pid, struct cap_data *d)
{
    struct cap_header h = { version, pid };
    return syscall(SYS_capget, &h, d);
}

static long capset(int pid, const struct cap_data *d)
{
    struct cap_header h = { CAP_V3, pid };
    return syscall(SYS_capset, &h, d);
}

static int has(const struct cap_data *d, int cap) { return !!(d[cap / 32].effective & (1u << cap % 32)); }

static void versions(void)
{
    struct cap_data d[2];
    struct cap_header h = { 0x12345678, 0 };
    CHECK("capget-bad-version-einval", FAILS_WITH(syscall(SYS_capget, &h, d), EINVAL));
    CHECK("capget-bad-version-told-v3", h.version == CAP_V3);
    h.version = 0x12345678;
    /* The probe of the version: no data, no error. */
    CHECK("capget-probe-null-data", syscall(SYS_capget, &h, NULL) == 0 && h.version == CAP_V3);
    CHECK("capget-v3-null-data", syscall(SYS_capget, &h, NULL) == 0);
    CHECK("capget-v1", capget(CAP_V1, 0, d) == 0);
    CHECK("capget-v3", capget(CAP_V3, 0, d) == 0);
    CHECK("capget-self-pid", capget(CAP_V3, getpid(), d) == 0);
    CHECK("capget-negative-pid-einval", FAILS_WITH(capget(CAP_V3, -1, d), EINVAL));
    CHECK("capget-efault", FAILS_WITH(capget(CAP_V3, 0, (struct cap_data *)8), EFAULT));
    CHECK("capset-other-pid-eperm", FAILS_WITH(capset(getpid() + 1, d), EPERM));
    CHECK("effective-setuid-iff-euid-0", capget(CAP_V3, 0, d) == 0 && has(d, CAP_SETUID) == (geteuid() == 0));
}

/* As root: what capset may change, and what setuid takes away. */
static int root_rules(void)
{
    struct cap_data d[2], now[2];
    capget(CAP_V3, 0, d);
    d[0].effective &= ~(1u << CAP_NET_RAW);
    CHECK("capset-drop-effective", capset(0, d) == 0 && capget(CAP_V3, 0, now) == 0 && !has(now, CAP_NET_RAW));
    d[0].effective |= 1u << CAP_NET_RAW;
    CHECK("capset-raise-from-permitted", capset(0, d) == 0 && capget(CAP_V3, 0, now) == 0 && has(now, CAP_NET_RAW));
    d[0].effective &= ~(1u << CAP_NET_RAW);
    d[0].permitted &= ~(1u << CAP_NET_RAW);
    CHECK("capset-drop-permitted", capset(0, d) == 0);
    d[0].effective |= 1u << CAP_NET_RAW;
    CHECK("capset-effective-beyond-permitted-eperm", FAILS_WITH(capset(0, d), EPERM));
    d[0].effective &= ~(1u << CAP_NET_RAW);
    d[0].permitted |= 1u << CAP_NET_RAW;
    CHECK("capset-permitted-back-eperm", FAILS_WITH(capset(0, d), EPERM));
    /* Without CAP_SETUID root cannot change its uid. */
    capget(CAP_V3, 0, d);
    d[0].effective &= ~(1u << CAP_SETUID);
    CHECK("capset-drop-setuid", capset(0, d) == 0);
    CHECK("setuid-without-cap-eperm", FAILS_WITH(setuid(65534), EPERM));
    d[0].effective |= 1u << CAP_SETUID;
    CHECK("capset-setuid-back", capset(0, d) == 0);
    CHECK("setuid-nobody", setuid(65534) == 0);
    CHECK("setuid-cleared-all", capget(CAP_V3, 0, now) == 0 && !now[0].effective && !now[0].permitted &&
                                    !now[1].effective && !now[1].permitted);
    CHECK("setuid-back-eperm", FAILS_WITH(setuid(0), EPERM));
    return check_failures ? 1 : 0;
}

/* prctl's answers whoever the caller is. */
static void prctl_calls(void)
{
    CHECK("capbset-read", prctl(PR_CAPBSET_READ, CAP_SETUID, 0, 0, 0) == 1);
    CHECK("capbset-read-unknown-einval", FAILS_WITH(prctl(PR_CAPBSET_READ, 999, 0, 0, 0), EINVAL));
    CHECK("ambient-is-set", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SETUID, 0, 0) == 0);
    CHECK("ambient-bad-op-einval", FAILS_WITH(prctl(PR_CAP_AMBIENT, 999, 0, 0, 0), EINVAL));
    CHECK("ambient-unknown-cap-einval",
          FAILS_WITH(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 999, 0, 0), EINVAL));
    CHECK("ambient-clear-all-arg-einval", FAILS_WITH(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0), EINVAL));
    CHECK("ambient-clear-all", prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0);
    CHECK("ambient-raise-not-inheritable-eperm",
          FAILS_WITH(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETUID, 0, 0), EPERM));
    CHECK("securebits-none", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) == 0);
    CHECK("thp-disable", prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0 && prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1);
    CHECK("thp-enable", prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0) == 0 && prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 0);
    CHECK("thp-set-arg-einval", FAILS_WITH(prctl(PR_SET_THP_DISABLE, 0, 1, 0, 0), EINVAL));
    CHECK("thp-get-arg-einval", FAILS_WITH(prctl(PR_GET_THP_DISABLE, 1, 0, 0, 0), EINVAL));
}

/* As root: the ambient set follows the inheritable one, the bounding set
 * shrinks, and without CAP_SETPCAP neither it nor the securebits change. */
static int root_prctl(void)
{
    struct cap_data d[2], now[2];
    capget(CAP_V3, 0, d);
    d[0].inheritable |= 1u << CAP_NET_RAW;
    CHECK("ambient-raise", capset(0, d) == 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) == 0 &&
                               prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 1);
    d[0].inheritable &= ~(1u << CAP_NET_RAW);
    CHECK("ambient-follows-inheritable",
          capset(0, d) == 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 0);
    CHECK("capbset-drop", prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0) == 0 &&
                              prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0) == 0);
    CHECK("capbset-drop-unknown-einval", FAILS_WITH(prctl(PR_CAPBSET_DROP, 999, 0, 0, 0), EINVAL));
    CHECK("securebits-unchanged", prctl(PR_SET_SECUREBITS, 0, 0, 0, 0) == 0);
    d[0].effective &= ~(1u << CAP_SETPCAP);
    CHECK("capset-drop-setpcap", capset(0, d) == 0 && capget(CAP_V3, 0, now) == 0 && !has(now, CAP_SETPCAP));
    CHECK("capbset-drop-eperm", FAILS_WITH(prctl(PR_CAPBSET_DROP, CAP_SETUID, 0, 0, 0), EPERM));
    CHECK("securebits-eperm", FAILS_WITH(prctl(PR_SET_SECUREBITS, 0, 0, 0, 0), EPERM));
    return check_failures ? 1 : 0;
}

/* fn in a child of its own: what it changes stays there. */
static void in_child(const char *name, int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        check_failures = 0;
        _exit(fn());
    }
    int st = -1;
    waitpid(pid, &st, 0);
    CHECK(name, WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void personality_calls(void)
{
    long old = syscall(SYS_personality, 0xffffffffUL);
    CHECK("personality-query-linux", old == 0);
    CHECK("personality-set", syscall(SYS_personality, ADDR_NO_RANDOMIZE) == 0);
    CHECK("personality-stored", syscall(SYS_personality, 0xffffffffUL) == ADDR_NO_RANDOMIZE);
    CHECK("personality-other-flag", syscall(SYS_personality, UNAME26) == ADDR_NO_RANDOMIZE);
    CHECK("personality-back", syscall(SYS_personality, 0) == UNAME26 &&
                                  syscall(SYS_personality, 0xffffffffUL) == 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    versions();
    personality_calls();
    prctl_calls();
    if (geteuid() == 0) {
        in_child("root-rules", root_rules);
        in_child("root-prctl", root_prctl);
    }
    return check_failures ? 1 : 0;
}
