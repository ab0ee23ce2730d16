/* The end of a picoprocess: its status becomes picovm's, and a death by
 * signal is explained on stderr with where it happened. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "proc.h"
#include "core/report.h"
#include "kvm/guest_mem.h"
#include "kvm/vm.h"
#include "base/log.h"
#include "hypercall.h"

static const char *vector_reason(uint64_t v)
{
    static const char *const names[] = {
        [0] = "divide error", [1] = "debug trap", [3] = "breakpoint", [4] = "overflow",
        [5] = "bound range exceeded", [6] = "invalid opcode", [7] = "FPU not available",
        [12] = "stack-segment fault", [13] = "general protection fault", [14] = "page fault",
        [16] = "x87 floating-point error", [17] = "alignment check", [19] = "SIMD floating-point error",
    };
    return v < sizeof(names) / sizeof(names[0]) && names[v] ? names[v] : "CPU exception";
}

static void describe(struct vm *vm, const struct hc_crash *c)
{
    const char *sig = c->signo < 65 ? sigabbrev_np((int)c->signo) : NULL;
    char where[256] = "";
    if (c->rip) {
        if (c->vector == ~0ull)
            snprintf(where, sizeof(where), ": raised by the program itself (system call returning to rip 0x%llx)",
                     c->rip);
        else if (c->vector == 14)
            snprintf(where, sizeof(where), ": %s at address 0x%llx (%s, %s), rip 0x%llx",
                     vector_reason(c->vector), c->addr, c->error & 2 ? "write" : c->error & 16 ? "exec" : "read",
                     c->error & 1 ? "protection" : "not mapped", c->rip);
        else
            snprintf(where, sizeof(where), ": %s (vector %llu, error 0x%llx), rip 0x%llx",
                     vector_reason(c->vector), c->vector, c->error, c->rip);
    }
    report_crash(vm, "killed by SIG%s%s", sig ? sig : "?", where);
}

/* Deaths a shell does not remark on: a signal sent to end the program
 * (Ctrl-C, kill, a hang-up, `prog | head`'s SIGPIPE), not a fault. */
static bool quiet_death(const struct hc_crash *c)
{
    bool sent = c->signo == SIGINT || c->signo == SIGTERM || c->signo == SIGHUP || c->signo == SIGPIPE ||
                c->signo == SIGKILL;
    return sent && c->vector == ~0ull;
}

void proc_exit(struct vcpu *vcpu, struct hc_slot *slot)
{
    struct vm *vm = vcpu->vm;
    int status = (int)slot->args[0];
    uint64_t crash_va = slot->args[1];
    pidns_release();
    children_note_exit(slot->args[2], slot->args[3], slot->args[4], false);
    if (crash_va) {
        struct hc_crash copy;
        if (gva_read(vm, crash_va, &copy, sizeof copy)) {
            report_crash(vm, "died (crash record at a bad address)");
            monitor_exit(status & 0xff);
        }
        /* The program the user started is reported; a child's death is its
         * parent's business, as on Linux, where it shows in the wait status. */
        if ((launcher_is_first() && !quiet_death(&copy)) || monitor_log_level >= LOG_DEBUG)
            describe(vm, &copy);
        if (copy.signo > 0 && copy.signo < 32 && copy.signo != SIGSTOP) {
            children_note_exit(slot->args[2], slot->args[3], slot->args[4], copy.core != 0);
            monitor_die_by_signal((int)copy.signo);
        }
    }
    monitor_exit(status & 0xff);
}
