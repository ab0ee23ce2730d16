/* Start of the library OS: set up memory, files and the program, then jump to it. */
#include "libos.h"
#include "thread/thread.h"
#include "loader/elf_load.h"
#include "mm/mm.h"
#include "fs/vfs.h"
#include "syscall/syscall.h"
#include "signal/signal.h"
#include "ipc/ipc.h"
#include "bookkeep/events.h"
#include "bookkeep/cputime.h"

static __attribute__((noreturn)) void start_program(uint64_t entry, uint64_t sp)
{
    biglock_drop_all();
    tlb_leaving();
    /* The ABI wants rdx = 0 (no exit hook from a dynamic linker) and a clean frame. */
    __asm__ volatile("mov %0, %%rsp\n"
                     "xor %%ebp, %%ebp\n"
                     "xor %%edx, %%edx\n"
                     "xor %%eax, %%eax\n"
                     "jmp *%1\n"
                     : : "D"(sp), "S"(entry) : "memory");
    __builtin_unreachable();
}

__attribute__((noreturn)) void libos_main(void)
{
    const struct pal_public_state *bi = pal_state;
    log_level = bi->log_level;
    thread_init();
    fault_init();
    mm_init(bi->aslr);
    signal_init();
    events_init();
    file_async_init();
    proc.pid = bi->pid;
    proc.ppid = bi->ppid;
    /* Its own group in the init's session, as a shell's job; or, as pid 1
     * (picovm.init = false), the leader of its own session. */
    proc.pgid = proc.pid;
    proc.sid = bi->ppid ? bi->ppid : proc.pid;
    proc.umask = bi->umask;
    strlcpy(proc.cwd, (const char *)bi->start_dir, sizeof(proc.cwd));
    cputime_init();
    ipc_init();
    long r = vfs_init(bi);
    if (r < 0) {
        log_error("cannot set up the file system (%ld)", r);
        libos_exit(126);
    }
    const char *entry = bi->entrypoint;
    uint64_t pc, sp;
    r = program_load(entry, (char *const *)bi->argv, (char *const *)bi->envp, &pc, &sp);
    if (r < 0) {
        log_error("cannot start %s: %s (%ld)", entry,
                  r == -ENOENT ? "no such file in the mounted file systems" :
                  r == -ENOEXEC ? "not a static x86-64 executable" :
                  r == -EACCES ? "permission denied" : "error", r);
        libos_exit(r == -ENOENT ? 127 : 126);
    }
    log_debug("starting %s at 0x%lx", entry, (unsigned long)pc);
    cputime_syscall_exit();
    start_program(pc, sp);
}
