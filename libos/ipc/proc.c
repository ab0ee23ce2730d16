/* A process's record: ours, made here and sent to the leader whenever it
 * changes, and others', which come from the leader; and what /proc shows of
 * one (stat, status and cmdline, in Linux's formats). */
#include "ipc/wire.h"
#include "bookkeep/cputime.h"
#include "sys/cred.h"
#include "mm/mm.h"
#include "signal/signal.h"

uint32_t ipc_gen;
bool ipc_execed;
uint64_t ipc_start_ns;
static uint64_t arg_start, arg_end;   /* the program's argument strings, in its memory */
static bool stopped;                  /* job control: see signal_stop.c */

/* Our record changed: the leader is told (and answers, with wait). */
static void changed(bool wait)
{
    ipc_gen++;
    uint8_t rec[IPC_REC_MAX];
    ipc_register(rec, ipc_self_rec(rec), wait);
}

void ipc_exec(uint64_t sp)
{
    /* The initial stack: argc, then argv[], whose strings lie one after
     * another (initial_stack.c). */
    const uint64_t *w = (const uint64_t *)sp;
    uint64_t argc = w[0];
    arg_start = arg_end = 0;
    if (argc) {
        arg_start = w[1];
        arg_end = w[argc] + strlen((const char *)w[argc]) + 1;
    }
    ipc_execed = true;
    changed(false);
}

/* Answered, so that whoever we tell next finds the leader up to date. */
void ipc_ids_changed(void) { changed(true); }

void ipc_renamed(void) { changed(false); }

void ipc_set_stopped(bool now)
{
    stopped = now;
    changed(false);
}

uint32_t ipc_self_rec(void *out)
{
    struct ipc_rec *r = out;
    const char *exe = proc.exe;
    *r = (struct ipc_rec){
        .pid = ipc.pid, .ppid = proc.ppid, .pgid = proc.pgid, .sid = proc.sid,
        .uid = cred()->euid, .state = IPC_ALIVE, .gen = ipc_gen,
        .start_ns = ipc_start_ns,
        .flags = (stopped ? IPC_REC_STOPPED : 0) | (ipc_execed ? IPC_REC_EXECED : 0),
    };
    strlcpy(r->comm, proc_comm(), sizeof(r->comm));
    uint8_t *p = (uint8_t *)(r + 1);
    r->exe_len = (uint16_t)MIN(strlen(exe), IPC_EXE_MAX);
    memcpy(p, exe, r->exe_len);
    /* The program may have unmapped or changed its arguments: what is there now. */
    size_t n = MIN(arg_end - arg_start, IPC_CMDLINE_MAX);
    if (n && user_range_ok((const void *)arg_start, n, false)) {
        memcpy(p + r->exe_len, (const void *)arg_start, n);
        r->cmdline_len = (uint16_t)n;
    }
    return (uint32_t)sizeof(*r) + r->exe_len + r->cmdline_len;
}

int ipc_pids(int *pids, int max)
{
    struct ipc_list_ent *e = kmalloc(IPC_LIST_MAX * sizeof(*e));
    long n = e ? ipc_list(IPC_LIST_ALL, 0, e, IPC_LIST_MAX) : -ENOMEM;
    int k = 0;
    bool self = false;
    for (long i = 0; i < n && k < max; i++) {
        if (!self && e[i].pid > ipc.pid) {
            pids[k++] = ipc.pid;
            self = true;
            if (k == max)
                break;
        }
        self |= e[i].pid == ipc.pid;
        pids[k++] = e[i].pid;
    }
    /* We exist even if the leader has not heard of us yet. */
    if (!self && k < max)
        pids[k++] = ipc.pid;
    kfree(e);
    return k;
}

bool ipc_pid_exists(int pid)
{
    uint8_t rec[IPC_REC_MAX];
    return pid > 0 && ipc_lookup(pid, rec) > 0;
}

int ipc_nprocs(int *last_pid)
{
    int *pids = kmalloc(IPC_LIST_MAX * sizeof(*pids));
    /* Without memory to ask, we know of ourselves. */
    int n = pids ? ipc_pids(pids, IPC_LIST_MAX) : 0;
    if (last_pid)
        *last_pid = n ? pids[n - 1] : ipc.pid;
    kfree(pids);
    return n ? n : 1;
}

/* Linux's clock ticks (USER_HZ); start times count from the host's boot, our monotonic clock's origin. */
static uint64_t ticks(uint64_t ns) { return ns / 10000000ull; }

static int stat_text(const struct ipc_rec *r, char state, char *buf, size_t size)
{
    /* Fields 4-52 of proc(5); what a picoprocess does not track is 0, and
     * so are the CPU times, nice value and memory of another process, which
     * live in its own VM. */
    bool self = r->pid == ipc.pid;
    struct cpu_times t = { 0, 0 }, c = { 0, 0 };
    if (self) {
        t = cputime_self();
        c = cputime_children();
    }
    int nice = self ? proc.nice : 0;
    /* The size of the address space in bytes and its resident pages (mm/mm.h). */
    uint64_t vsize = 0, rss = 0, peak;
    if (self && r->state != IPC_ZOMBIE) {
        vsize = mm_user_bytes(0);
        rss = mm_resident_pages(&peak);
    }
    return snprintf(buf, size,
                    "%d (%s) %c %d %d %d 0 -1 4194560 0 0 0 0 %lu %lu %lu %lu %d %d 1 0 %lu %lu %lu "
                    "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 %lu %lu 0 0 %d\n",
                    r->pid, r->comm, state, r->ppid, r->pgid, r->sid, (unsigned long)ticks(t.user_ns),
                    (unsigned long)ticks(t.sys_ns), (unsigned long)ticks(c.user_ns), (unsigned long)ticks(c.sys_ns),
                    20 + nice, nice, (unsigned long)ticks(r->start_ns), (unsigned long)vsize, (unsigned long)rss,
                    self ? (unsigned long)arg_start : 0ul, self ? (unsigned long)arg_end : 0ul,
                    r->state == IPC_ZOMBIE ? r->exit_status : 0);
}

static int status_text(const struct ipc_rec *r, char state, char *buf, size_t size)
{
    const char *what = state == 'Z' ? "zombie" : state == 'T' ? "stopped" : state == 'R' ? "running" : "sleeping";
    /* Another process's ids beyond its uid live in its own VM, and so do its
     * memory, signals and capabilities: of it Linux's lines before them. */
    bool self = r->pid == ipc.pid;
    unsigned int uid = r->uid, gid = (unsigned int)pal_state->host_gid;
    struct cred c = { uid, uid, uid, uid, gid, gid, gid, gid };
    if (self)
        c = *cred();
    int n = snprintf(buf, size,
                     "Name:\t%s\nUmask:\t%04o\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
                     "TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t64\nGroups:\t\n"
                     "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
                     r->comm, self ? proc.umask : 022, state, what, r->pid, r->pid, r->ppid,
                     c.ruid, c.euid, c.suid, c.fsuid, c.rgid, c.egid, c.sgid, c.fsgid, r->pid, r->pid, r->pgid,
                     r->sid);
    if (self && state != 'Z')
        n += mm_status_text(buf + n, size - (size_t)n);
    n += snprintf(buf + n, size - (size_t)n, "Threads:\t%d\n", state == 'Z' ? 0 : 1);
    if (self) {
        n += signal_status_text(buf + n, size - (size_t)n);
        n += cred_status_text(buf + n, size - (size_t)n);
    }
    return n;
}

long ipc_proc_text(int pid, enum ipc_proc_file which, char **text, size_t *len)
{
    uint8_t raw[IPC_REC_MAX];
    long r = ipc_lookup(pid, raw);
    if (r < 0)
        return -ESRCH;
    const struct ipc_rec *rec = (const struct ipc_rec *)raw;
    /* We run; another process sleeps while its monitor waits for an event for it. */
    char state = rec->state == IPC_ZOMBIE ? 'Z' : rec->flags & IPC_REC_STOPPED ? 'T' : pid == ipc.pid ? 'R' : 'S';
    if (state == 'S' && pal->process_state(pid) == 'R')
        state = 'R';
    size_t size = IPC_CMDLINE_MAX + 1024;
    char *buf = kmalloc(size);
    if (!buf)
        return -ENOMEM;
    int n;
    if (which == IPC_PROC_STAT) {
        n = stat_text(rec, state, buf, size);
    } else if (which == IPC_PROC_STATUS) {
        n = status_text(rec, state, buf, size);
    } else if (which == IPC_PROC_COMM) {
        n = snprintf(buf, size, "%s\n", rec->comm);
    } else {
        /* A zombie has no arguments left. */
        n = state == 'Z' ? 0 : rec->cmdline_len;
        memcpy(buf, (const char *)(rec + 1) + rec->exe_len, (size_t)n);
    }
    *text = buf;
    *len = (size_t)MIN((size_t)n, size - 1);
    return 0;
}
