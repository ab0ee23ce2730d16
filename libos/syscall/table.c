/* The system-call table: one array indexed by number (see list.h). */
#include "libos.h"
#include "syscall/syscall.h"
#include "syscall/handlers.h"
#include "signal/signal.h"
#include "ipc/ipc.h"
#include "syscall_names.h"   /* generated from <asm/unistd_64.h> */

/* A handler as the table calls it: with the six argument registers.  Each
 * handler's real prototype is in handlers.h, which its definition must match. */
typedef long (*syscall_fn)(long, long, long, long, long, long);

#define NSYSCALLS 512
static const struct {
    syscall_fn fn;
    unsigned char nargs;
} table[NSYSCALLS] = {
/* Through void (*)(void), the generic function pointer GCC lets be cast. */
#define SC(nr, name, n) [nr] = { (syscall_fn)(void (*)(void))sys_##name, n },
#include "syscall/list.h"
#undef SC
};

static uint64_t warned[NSYSCALLS / 64];

static const char *syscall_name(uint64_t nr)
{
    return nr < ARRAY_SIZE(syscall_names) && syscall_names[nr] ? syscall_names[nr] : "unknown";
}

static void trace(uint64_t nr, const struct syscall_frame *f, long ret)
{
    uint64_t a[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
    char args[160];
    int len = 0;
    int n = nr < NSYSCALLS && table[nr].fn ? table[nr].nargs : 6;
    for (int i = 0; i < n && len < (int)sizeof(args); i++)
        len += snprintf(args + len, sizeof(args) - len, "%s0x%lx", i ? ", " : "", (unsigned long)a[i]);
    args[MIN(len, (int)sizeof(args) - 1)] = 0;
    log_printf(LOG_TRACE, "[%d] %s(%s) = %ld", proc.pid, syscall_name(nr), args, ret);
}

void syscall_dispatch(struct syscall_frame *f)
{
    uint64_t nr = f->rax;
    current_syscall = f;
    long ret;
    if (nr < NSYSCALLS && table[nr].fn) {
        ret = table[nr].fn(f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
    } else {
        ret = -ENOSYS;
        if (nr >= NSYSCALLS || !(warned[nr / 64] & (1ull << (nr % 64)))) {
            if (nr < NSYSCALLS)
                warned[nr / 64] |= 1ull << (nr % 64);
            log_warning("unsupported system call %s (%lu): returning -ENOSYS", syscall_name(nr),
                        (unsigned long)nr);
        }
    }
    if (log_level >= LOG_TRACE)
        trace(nr, f, ret);
    f->rax = ret;
    syscall_patch_site(f, nr);
    ipc_safe_point();
    signal_syscall_exit(f, nr);
}
