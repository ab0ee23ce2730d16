/* The monitor's last setup step: no new privileges, and a seccomp allowlist
 * of the system calls it makes from then on, for both of its threads (the
 * vCPU thread and the PAL server).
 *
 * The filter does not confine paths: openat2 takes its resolve rules from
 * memory, which a filter cannot read, and policy.c already confines every
 * guest path with RESOLVE_BENEATH.  What the filter removes is everything
 * else a compromised monitor could turn to: running programs, reaching other
 * processes, sockets other than Unix ones, namespaces and mounts, new
 * executable memory, and all ioctls but the four the monitor makes.
 *
 * Refusals: a call or an argument we did not foresee in the monitor's own
 * code (or in glibc's internals) fails with EPERM, which every caller
 * already handles as an error.  The calls listed in kill_list below are never
 * made by a working monitor and only serve an attacker (running a program,
 * debugging or writing another process, bypassing path lookup, module, kexec,
 * mount and namespace changes if we run as root): they end the monitor at
 * once, as do mapping memory executable and a foreign syscall ABI (i386 or
 * x32 numbers, which would bypass the numbers checked here).  New processes
 * and threads are allowed without namespaces: fork by snapshot (fork.c)
 * forks the monitor, whose child builds a VM and starts a server thread
 * under this same filter. */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/falloc.h>
#include <linux/futex.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lockdown.h"

/* glibc 2.39 and later implement fchmodat(AT_SYMLINK_NOFOLLOW) with this
 * call and take only ENOSYS as the sign to fall back. */
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif

#define X32_SYSCALL_BIT 0x40000000u
#define DENY (SECCOMP_RET_ERRNO | EPERM)
#define KILL SECCOMP_RET_KILL_PROCESS
#define MAX_INSNS 512
#define MAX_VALS 24

/* A system call the monitor makes after setup, allowed outright (ANY) or
 * only when the low 32 bits of one argument pass a check.  Only the low
 * bits: every argument checked is a C int or an int-sized flag word to the
 * kernel, which ignores the upper half, so that is all an attacker controls. */
struct rule {
    int nr;
    enum { ANY, ARG_IN, ARG_CLEAR } check;
    unsigned arg;
    uint32_t ignore;              /* ARG_IN: bits masked off before comparing */
    uint32_t vals[MAX_VALS];      /* ARG_IN: the values allowed; ARG_CLEAR: vals[0], bits that must be clear */
    unsigned nvals;
    uint32_t otherwise;           /* the action when the check fails */
};

#define NVALS(...) (sizeof((uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))
#define ALLOW(name) { .nr = __NR_##name, .check = ANY }
#define ALLOW_IF_IN(name, argi, ign, other, ...)                                       \
    { .nr = __NR_##name, .check = ARG_IN, .arg = (argi), .ignore = (ign),              \
      .vals = { __VA_ARGS__ }, .nvals = NVALS(__VA_ARGS__), .otherwise = (other) }
/* Refused with a chosen answer rather than EPERM. */
#define ANSWER(name, action) { .nr = __NR_##name, .check = ARG_IN, .otherwise = (action) }
#define ALLOW_IF_CLEAR(name, argi, bits, other)                                        \
    { .nr = __NR_##name, .check = ARG_CLEAR, .arg = (argi), .vals = { (bits) },       \
      .otherwise = (other) }

/* Never made by a working monitor after setup (see the top of this file). */
static const int kill_list[] = {
    __NR_execve, __NR_execveat, __NR_ptrace, __NR_process_vm_readv, __NR_process_vm_writev,
    __NR_open_by_handle_at, __NR_init_module, __NR_finit_module, __NR_delete_module,
    __NR_kexec_load, __NR_kexec_file_load, __NR_mount, __NR_umount2, __NR_pivot_root,
    __NR_chroot, __NR_unshare, __NR_setns, __NR_bpf,
};

struct filter {
    struct sock_filter insn[MAX_INSNS];
    unsigned n;
};

static void emit(struct filter *f, struct sock_filter i)
{
    if (f->n < MAX_INSNS)
        f->insn[f->n] = i;
    f->n++;   /* counted past the end too: monitor_lockdown refuses an overlong filter */
}

static void ret(struct filter *f, uint32_t action) { emit(f, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action)); }

static void load(struct filter *f, uint32_t offset)
{
    emit(f, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset));
}

/* With the call number in A: if it is nr, jump to the next instruction, else skip len. */
static void if_nr(struct filter *f, int nr, unsigned len)
{
    emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, len));
}

/* Instructions of the check of r, all of which end in a return, so the call
 * number is still in A wherever the check was skipped. */
static unsigned check_len(const struct rule *r)
{
    switch (r->check) {
    case ANY:
        return 1;
    case ARG_CLEAR:
        return 4;
    default:
        return 3 + (r->ignore != 0) + r->nvals;
    }
}

static void emit_rule(struct filter *f, const struct rule *r)
{
    if_nr(f, r->nr, check_len(r));
    if (r->check == ANY) {
        ret(f, SECCOMP_RET_ALLOW);
        return;
    }
    load(f, offsetof(struct seccomp_data, args[r->arg]));   /* x86-64 is little-endian: the low half */
    if (r->check == ARG_CLEAR) {
        emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, r->vals[0], 0, 1));
    } else {
        if (r->ignore)
            emit(f, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~r->ignore));
        /* Each match jumps over the rest of the list and the refusal to the allow. */
        for (unsigned i = 0; i < r->nvals; i++)
            emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, r->vals[i],
                                                 (uint8_t)(r->nvals - i), 0));
    }
    ret(f, r->otherwise);
    ret(f, SECCOMP_RET_ALLOW);
}

static void build(struct filter *f, const struct rule *rules, size_t nrules)
{
    load(f, offsetof(struct seccomp_data, arch));
    emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
    ret(f, KILL);
    load(f, offsetof(struct seccomp_data, nr));
    emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1));
    ret(f, KILL);
    for (size_t i = 0; i < nrules; i++)
        emit_rule(f, &rules[i]);
    for (size_t i = 0; i < sizeof(kill_list) / sizeof(kill_list[0]); i++) {
        if_nr(f, kill_list[i], 1);
        ret(f, KILL);
    }
    ret(f, DENY);
}

static int fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "cannot lock the monitor down: %s: %s", what, strerror(errno));
    return -1;
}

int monitor_lockdown(char *err, size_t errlen)
{
    /* Most frequent first: the filter runs on every call, in list order. */
    const struct rule rules[] = {
        /* core/vcpu_loop.c: KVM_RUN, KVM_GET_REGS for crash reports; pal/tty.c: the two
         * terminal queries; fork.c: saving the vCPU, and building the child's
         * VM (vm_attach) and restoring it there. */
        ALLOW_IF_IN(ioctl, 1, 0, DENY, KVM_RUN, KVM_GET_REGS, TCGETS, TIOCGWINSZ, KVM_GET_SREGS, KVM_SET_SREGS,
                    KVM_GET_XSAVE, KVM_SET_XSAVE, KVM_GET_MSRS, KVM_SET_MSRS, KVM_GET_XCRS, KVM_SET_XCRS,
                    KVM_SET_REGS, KVM_CREATE_VM, KVM_SET_USER_MEMORY_REGION, KVM_CREATE_VCPU,
                    KVM_GET_VCPU_MMAP_SIZE, KVM_SET_CPUID2, KVM_IOEVENTFD, KVM_GET_TSC_KHZ,
                    FIONREAD /* pal/pipes.c: HC_NREAD */),
        /* core/pal_server.c's slot waits and glibc's locks; pal/futex.c's requeues and
         * WAKE_OP for the guest's threads; not the PI operations. */
        ALLOW_IF_IN(futex, 1, FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, DENY,
                    FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET, FUTEX_REQUEUE,
                    FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP),
        /* core/upcall.c: HC_FUTEX's wait on the guest's word and on its events at once. */
        ALLOW(futex_waitv),
        ALLOW(read), ALLOW(write), ALLOW(pread64), ALLOW(pwrite64), ALLOW(close),
        /* pal/files.c: a guest buffer is as many host ranges as its pages are scattered. */
        ALLOW(writev), ALLOW(preadv), ALLOW(pwritev),   /* readv: with the vsock calls below */
        /* policy.c: every guest path. */
        ALLOW(openat2),
        ALLOW(newfstatat), ALLOW(getdents64), ALLOW(lseek), ALLOW(readlinkat),
        ALLOW(mkdirat), ALLOW(unlinkat), ALLOW(renameat), ALLOW(symlinkat), ALLOW(linkat),
        /* pal/files.c: HC_MKFIFO; FIFOs only, never a device node. */
        ALLOW_IF_IN(mknodat, 2, 07777, DENY, S_IFIFO),
        /* pal/files.c: HC_FLOCK on guest files and pipes. */
        ALLOW(flock),
        ALLOW(fchownat), ALLOW(utimensat), ALLOW(ftruncate), ALLOW(fsync),
        /* pal/space.c: HC_STATFS of a mount's root, HC_FALLOCATE in the two modes it serves. */
        ALLOW(fstatfs), ALLOW_IF_IN(fallocate, 1, 0, DENY, 0, FALLOC_FL_KEEP_SIZE),
        /* glibc 2.36's fchmodat(AT_SYMLINK_NOFOLLOW): openat(O_PATH) of the
         * name, then chmod of /proc/self/fd/N. */
        ALLOW(chmod), ALLOW(fchmodat2),
        /* fopen(.., "r") (launcher.c reads its peak RSS on exit) and the
         * O_PATH open just above; never a create or a write. */
        ALLOW_IF_IN(openat, 2, 0, DENY, O_RDONLY, O_PATH | O_NOFOLLOW | O_CLOEXEC),
        /* hc_write waiting on a full stdout or stderr. */
        ALLOW(poll),
        /* pal/pipes.c, pal/poll.c: guest pipes and waits. */
        ALLOW(pipe2), ALLOW(ppoll),
        /* pal/evfd.c: the guest's timerfds (its eventfds: eventfd2, below). */
        ALLOW(timerfd_create), ALLOW(timerfd_settime), ALLOW(timerfd_gettime),
        ALLOW(getrandom), ALLOW(clock_gettime), ALLOW(clock_nanosleep),
        /* HC_VM_FREE (MADV_REMOVE: pages of the shared memory), and glibc's malloc giving memory back. */
        ALLOW_IF_IN(madvise, 2, 0, DENY, MADV_DONTNEED, MADV_REMOVE),
        /* glibc's malloc, and its fatal-error message buffer; no code. */
        ALLOW_IF_CLEAR(mmap, 2, PROT_EXEC, KILL),
        ALLOW_IF_CLEAR(mprotect, 2, PROT_EXEC, KILL),
        ALLOW(munmap), ALLOW(brk),
        /* glibc's start of the server thread, which may run after this. */
        ALLOW(rseq), ALLOW(set_robust_list), ALLOW(rt_sigprocmask),
        /* glibc's fatal-error message and abort(); a child monitor dying by
         * its program's signal (launcher.c); children.c signalling a child. */
        ALLOW(writev), ALLOW(getpid), ALLOW(gettid), ALLOW(tgkill), ALLOW(kill),
        /* fork.c: the monitor's copy, its new server thread (glibc tries
         * clone3 first and falls back to clone only on ENOSYS, and clone3's
         * flags sit in memory the filter cannot read), its doorbell, its
         * CPU placement; children.c: reaping children. */
        ALLOW_IF_CLEAR(clone, 0, CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
                                     CLONE_NEWUTS | CLONE_NEWCGROUP, KILL),
        ANSWER(clone3, SECCOMP_RET_ERRNO | ENOSYS),
        ALLOW(eventfd2), ALLOW(sched_setaffinity), ALLOW(sched_getaffinity), ALLOW(getcpu),
        /* vsock_switch.c, vsock_dev.c: Unix sockets only, between the monitors
         * of this application (connect, accept, the streams' bytes, half
         * closes), and a forked monitor's own listening socket. */
        ALLOW_IF_IN(socket, 0, 0, DENY, AF_UNIX), ALLOW(connect), ALLOW(accept4), ALLOW(sendto),
        ALLOW(readv), ALLOW(shutdown), ALLOW(bind), ALLOW(listen),
        ALLOW(wait4), ALLOW(setrlimit), ALLOW(rt_sigaction), ALLOW(pipe2),
        /* pal/files.c: record locks on guest files; pal/pipes.c: pipe sizes; pal/fifo.c and
         * files.c: the O_NONBLOCK of a FIFO and of a device, and HC_LINK_FILE's look at how
         * the guest opened its file; pal/notify.c: leases and O_ASYNC, signalled to the
         * monitor itself; nothing else through fcntl. */
        ALLOW_IF_IN(fcntl, 1, 0, DENY, F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW,
                    F_GETPIPE_SZ, F_SETPIPE_SZ, F_SETFL, F_GETFL, F_SETLEASE, F_GETLEASE, F_SETSIG,
                    F_SETOWN_EX),
        /* The kernel resumes an interrupted sleep or futex wait with it. */
        ALLOW(restart_syscall),
        /* The return from glibc's own signal handlers (thread cancel, set*id). */
        ALLOW(rt_sigreturn),
        ALLOW(exit_group),
        /* pal/fifo.c: the end of a FIFO's helper thread. */
        ALLOW(exit),
    };
    static struct filter f;
    f.n = 0;
    build(&f, rules, sizeof(rules) / sizeof(rules[0]));
    if (f.n > MAX_INSNS) {
        errno = E2BIG;
        return fail(err, errlen, "seccomp filter");
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
        return fail(err, errlen, "prctl(PR_SET_NO_NEW_PRIVS)");
    struct sock_fprog prog = { .len = (unsigned short)f.n, .filter = f.insn };
    /* TSYNC: the PAL server thread is running already and gets it too. */
    long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
    if (r < 0)
        return fail(err, errlen, "seccomp(SECCOMP_SET_MODE_FILTER)");
    if (r > 0) {
        snprintf(err, errlen, "cannot lock the monitor down: thread %ld could not take the seccomp filter", r);
        return -1;
    }
    return 0;
}
