/* Credentials: the set*id calls follow Linux's rules for real, effective,
 * saved and file-system ids and supplementary groups, file permission
 * checks follow the ids, and fork copies them.  Run as root (natively and
 * under picovm alike); as another user only the unprivileged checks run. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define U 1000
#define G 1000

static int uids_are(uid_t r, uid_t e, uid_t s)
{
    uid_t a, b, c;
    return getresuid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

static int gids_are(gid_t r, gid_t e, gid_t s)
{
    gid_t a, b, c;
    return getresgid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

static void unprivileged(void)
{
    uid_t r, e, s;
    CHECK("getresuid", getresuid(&r, &e, &s) == 0 && r == getuid() && e == geteuid());
    CHECK("setuid-self", setuid(getuid()) == 0);
    CHECK("setresuid-keep", setresuid(-1, -1, -1) == 0 && uids_are(r, e, s));
    CHECK("setuid-minus-one", FAILS_WITH(syscall(SYS_setuid, -1), EINVAL));
    CHECK("getgroups-negative", FAILS_WITH(syscall(SYS_getgroups, -1, NULL), EINVAL));
}

/* As root: groups, then a drop that keeps root as the saved id. */
static void groups(void)
{
    gid_t g[3] = { 7, 3, 5 }, out[8];
    CHECK("setgroups", setgroups(3, g) == 0);
    CHECK("getgroups-count", getgroups(0, NULL) == 3);
    CHECK("getgroups-small", FAILS_WITH(getgroups(2, out), EINVAL));
    CHECK("getgroups-sorted", getgroups(8, out) == 3 && out[0] == 3 && out[1] == 5 && out[2] == 7);
    CHECK("setgroups-none", setgroups(0, NULL) == 0 && getgroups(0, NULL) == 0);
}

static void drop_and_back(const char *secret)
{
    CHECK("setresgid", setresgid(G, G, 0) == 0 && gids_are(G, G, 0));
    CHECK("setresuid", setresuid(U, U, 0) == 0 && uids_are(U, U, 0));
    CHECK("getuid-dropped", getuid() == U && geteuid() == U && getgid() == G && getegid() == G);
    CHECK("setgroups-eperm", FAILS_WITH(setgroups(0, NULL), EPERM));
    CHECK("setuid-other-eperm", FAILS_WITH(setuid(U + 1), EPERM));
    CHECK("setresuid-other-eperm", FAILS_WITH(setresuid(-1, U + 1, -1), EPERM));
    CHECK("setfsuid-other-refused", setfsuid(U + 1) == U && setfsuid(-1) == U);
    CHECK("open-denied", FAILS_WITH(open(secret, O_RDONLY), EACCES));
    /* A forked child has the same ids. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(uids_are(U, U, 0) && gids_are(G, G, 0) ? 0 : 1);
    int st;
    CHECK("fork-copies", waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* The saved root takes the effective id back; the saved one follows. */
    CHECK("setreuid-back", setreuid(-1, 0) == 0 && uids_are(U, 0, 0));
    CHECK("open-allowed", close(open(secret, O_RDONLY)) == 0);
    CHECK("setreuid-real", setreuid(0, U) == 0 && uids_are(0, U, U));
    CHECK("setreuid-swap", setreuid(U, 0) == 0 && uids_are(U, 0, 0));
    CHECK("setregid", setregid(-1, 0) == 0 && gids_are(G, 0, 0));
    CHECK("setfsgid", setfsgid(G) == 0 && setfsgid(-1) == G);
    /* setuid with privilege sets all three: no way back. */
    CHECK("setuid-all", setuid(U) == 0 && uids_are(U, U, U));
    CHECK("setuid-root-eperm", FAILS_WITH(setuid(0), EPERM));
    CHECK("seteuid-root-eperm", FAILS_WITH(seteuid(0), EPERM));
    CHECK("setgid-eperm", FAILS_WITH(setgid(G + 1), EPERM));
}

int main(void)
{
    unprivileged();
    if (getuid() != 0)
        return check_exit_status();
    groups();
    const char *dir = getenv("T_TMPFS");
    char secret[4096];
    snprintf(secret, sizeof secret, "%s/secret", dir ? dir : "/tmp");
    int fd = open(secret, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    CHECK("secret", fd >= 0 && close(fd) == 0 && chmod(dir ? dir : "/tmp", 0755) == 0);
    drop_and_back(secret);
    return check_exit_status();
}
