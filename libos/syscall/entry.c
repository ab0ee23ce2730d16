/* The way into and out of a system call: the entry stub, the typed table
 * (list.h numbers the handlers, handlers.h gives their prototypes) and the
 * dispatch, with the work every call does on its way back to the program.
 *
 * MSR_LSTAR points at syscall_entry.  On a PVM host `syscall` stays at CPL3
 * and jumps there with no exit; on VMX/SVM it enters CPL0 for real.  Either
 * way the user stack is left alone (no red-zone damage), the library OS runs
 * on this vCPU's own stack, and the frame the stub pushes is what
 * syscall_dispatch sees (struct syscall_frame).  The stub returns with
 * sysretq from CPL0, or by popfq + jmp at CPL3 where sysretq faults.  A call
 * site rewritten by patch.c jumps to syscall_entry_fast instead, with rax =
 * number and rcx = return address, at CPL3 on every host: it makes the frame
 * look as if `syscall` had run (r11 = flags, DF clear). */
#include "libos.h"
#include "thread/thread.h"
#include "syscall/syscall.h"
#include "syscall/handlers.h"
#include "signal/signal.h"
#include "ipc/ipc.h"
#include "bookkeep/cputime.h"
#include "percpu.h"
#include "syscall_names.h"   /* generated from <asm/unistd_64.h> */

#define STR(x) #x
#define XSTR(x) STR(x)
#define USER_RSP "%gs:" XSTR(PERCPU_USER_RSP)
#define KSTACK_TOP "%gs:" XSTR(PERCPU_KSTACK_TOP)

__asm__(
    "    .text\n"
    "    .globl syscall_entry\n"
    "syscall_entry:\n"
    "    mov %rsp, " USER_RSP "\n"
    "    mov " KSTACK_TOP ", %rsp\n"
    "syscall_common:\n"
    "    pushq " USER_RSP "\n"
    "    push %rcx\n"
    "    push %r11\n"
    "    push %rax\n"
    "    push %rdi\n"
    "    push %rsi\n"
    "    push %rdx\n"
    "    push %r10\n"
    "    push %r8\n"
    "    push %r9\n"
    "    push %rbx\n"
    "    push %rbp\n"
    "    push %r12\n"
    "    push %r13\n"
    "    push %r14\n"
    "    push %r15\n"
    "    mov %rsp, %rdi\n"
    "    call syscall_dispatch\n"
    "    pop %r15\n"
    "    pop %r14\n"
    "    pop %r13\n"
    "    pop %r12\n"
    "    pop %rbp\n"
    "    pop %rbx\n"
    "    pop %r9\n"
    "    pop %r8\n"
    "    pop %r10\n"
    "    pop %rdx\n"
    "    pop %rsi\n"
    "    pop %rdi\n"
    "    mov %cs, %eax\n"
    "    test $3, %eax\n"
    "    pop %rax\n"
    "    pop %r11\n"
    "    pop %rcx\n"
    "    jz 1f\n"
    "    push %r11\n"
    "    popfq\n"
    "    pop %rsp\n"
    "    jmp *%rcx\n"
    "1:  pop %rsp\n"
    "    sysretq\n"
    "\n"
    "    .globl syscall_entry_fast\n"
    "syscall_entry_fast:\n"
    "    mov %rsp, " USER_RSP "\n"
    "    mov " KSTACK_TOP ", %rsp\n"
    "    pushfq\n"
    "    pop %r11\n"
    "    cld\n"
    "    jmp syscall_common\n");

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
    tlb_entered();
    biglock_take();
    thread_end_if_asked();
    cputime_syscall_enter();
    current_syscall = f;
    long ret;
    if (nr < NSYSCALLS && table[nr].fn) {
        ret = table[nr].fn(f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
    } else {
        ret = -ENOSYS;
        if (nr >= NSYSCALLS || !(warned[nr / 64] & (1ull << (nr % 64)))) {
            if (nr < NSYSCALLS)
                warned[nr / 64] |= 1ull << (nr % 64);
            /* rseq: glibc asks and lives without it, by design; not worth a warning. */
            if (nr == 334)
                log_debug("unsupported system call %s (%lu): returning -ENOSYS", syscall_name(nr),
                          (unsigned long)nr);
            else
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
    cputime_syscall_exit();
    biglock_drop();
    tlb_leaving();
}
