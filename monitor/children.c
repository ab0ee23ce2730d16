/* The picoprocesses this monitor forked, by their application pid, and the
 * PAL calls that wait for and signal them.  A child picoprocess is a child
 * process of this monitor on the host, so waiting is waitpid(): a child whose
 * program died by a signal makes its monitor die by the same signal, and a
 * child monitor killed on the host (SIGKILL) is seen as exactly that. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include "monitor.h"
#include "hypercall.h"

#define MAX_CHILDREN 1024

struct child {
    int pid;        /* application pid */
    pid_t host;     /* monitor process on the host */
};

static struct child children[MAX_CHILDREN];
static int nchildren;

int children_add(int pid, pid_t host)
{
    if (nchildren == MAX_CHILDREN)
        return -EAGAIN;
    children[nchildren++] = (struct child){ pid, host };
    return 0;
}

void children_forget_all(void) { nchildren = 0; }

static struct child *by_pid(int pid)
{
    for (int i = 0; i < nchildren; i++)
        if (children[i].pid == pid)
            return &children[i];
    return NULL;
}

static struct child *by_host(pid_t host)
{
    for (int i = 0; i < nchildren; i++)
        if (children[i].host == host)
            return &children[i];
    return NULL;
}

int64_t hc_proc_wait(struct vm *vm, const uint64_t args[6])
{
    int pid = (int)args[0];
    struct hc_wait_result *out = gpa_range(vm, args[2], sizeof(*out));
    if (!out)
        return -EFAULT;
    pid_t host = -1;
    if (pid != -1) {
        struct child *c = by_pid(pid);
        if (!c)
            return -ECHILD;
        host = c->host;
    } else if (!nchildren) {
        return -ECHILD;
    }
    int status;
    pid_t got;
    while ((got = waitpid(host, &status, args[1] ? WNOHANG : 0)) < 0 && errno == EINTR)
        ;
    if (got < 0)
        return -errno;
    struct hc_wait_result r = { 0, 0 };
    struct child *c = got > 0 ? by_host(got) : NULL;
    if (c) {
        r.pid = c->pid;
        /* Host and Linux wait statuses are the same encoding. */
        r.status = status;
        *c = children[--nchildren];
    }
    memcpy(out, &r, sizeof(r));
    return 0;
}

int64_t hc_proc_kill(struct vm *vm, const uint64_t args[6])
{
    (void)vm;
    struct child *c = by_pid((int)args[0]);
    if (!c)
        return -ESRCH;
    if (args[1] != SIGKILL && args[1] != SIGTERM)
        return -EINVAL;
    return kill(c->host, (int)args[1]) < 0 ? -errno : 0;
}
