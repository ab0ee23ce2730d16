/* execve: replaces the program in place (same VM, same pid, same open files
 * but those marked close-on-exec); loader/program.c starts the new one. */
#include "libos.h"
#include "thread/thread.h"
#include "signal/signal.h"
#include "loader/elf_load.h"
#include "mm/mm.h"
#include "syscall/syscall.h"
#include "fs/vfs.h"
#include "ipc/ipc.h"
#include "sys/cred.h"
#include "syscall/handlers.h"
#include <asm/stat.h>
#include <linux/stat.h>
#include <linux/fcntl.h>
#include <linux/limits.h>

#define MAX_INTERP_DEPTH 4
#define BINPRM_BUF_SIZE 256              /* how much of a script's first line Linux reads */
#define MAX_ARG_STRLEN (32 * 4096)       /* longest single argument or environment string */
#define MAX_STRINGS 4096

/* A NULL-terminated vector of strings from the program, copied into the
 * library OS heap (the program's memory is about to go). */
static long copy_vector(char *const *uv, char ***out)
{
    size_t n = 0;
    if (uv) {
        for (;; n++) {
            if (n == MAX_STRINGS)
                return -E2BIG;
            if (!user_range_ok(&uv[n], sizeof(uv[n]), false))
                return -EFAULT;
            if (!uv[n])
                break;
            long r = user_string_ok(uv[n], MAX_ARG_STRLEN);
            if (r < 0)
                return r == -ENAMETOOLONG ? -E2BIG : r;
        }
    }
    char **v = kzalloc((n + 1) * sizeof(char *));
    if (!v)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (!(v[i] = kstrdup(uv[i])))
            return -ENOMEM;
    *out = v;
    return (long)n;
}

static void free_vector(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        kfree(v[i]);
    kfree(v);
}

/* "#!interpreter [one-argument]": argv becomes interpreter, [argument],
 * script path, then the script's own arguments after argv[0]. */
static long interpreter_of(const char *path, char **argv, char *interp, size_t size, char ***new_argv)
{
    struct file *f;
    long r = vfs_open(AT_FDCWD, path, O_RDONLY, 0, &f);
    if (r < 0)
        return r;
    char line[BINPRM_BUF_SIZE + 1];
    r = file_pread(f, line, BINPRM_BUF_SIZE, 0);
    file_put(f);
    if (r < 2 || line[0] != '#' || line[1] != '!')
        return 0;
    line[r] = 0;
    char *end = strchr(line, '\n');
    if (!end && r == BINPRM_BUF_SIZE)
        return -ENOEXEC;
    if (end)
        *end = 0;
    char *p = line + 2;
    while (*p == ' ' || *p == '\t')
        p++;
    char *arg = p;
    while (*arg && *arg != ' ' && *arg != '\t')
        arg++;
    if (*arg)
        *arg++ = 0;
    while (*arg == ' ' || *arg == '\t')
        arg++;
    for (char *t = arg + strlen(arg); t > arg && (t[-1] == ' ' || t[-1] == '\t');)
        *--t = 0;
    if (!*p)
        return -ENOEXEC;
    strlcpy(interp, p, size);
    size_t argc = 0;
    while (argv[argc])
        argc++;
    char **v = kzalloc((argc + 3) * sizeof(char *));
    if (!v)
        return -ENOMEM;
    size_t n = 0;
    v[n++] = kstrdup(interp);
    if (*arg)
        v[n++] = kstrdup(arg);
    v[n++] = kstrdup(path);
    for (size_t i = 1; i < argc; i++)
        v[n++] = kstrdup(argv[i]);
    for (size_t i = 0; i < n; i++)
        if (!v[i]) {
            free_vector(v);
            return -ENOMEM;
        }
    *new_argv = v;
    return 1;
}

static long check_executable(const char *path)
{
    struct stat st;
    long r = vfs_stat(AT_FDCWD, path, &st, false);
    if (r < 0)
        return r;
    return S_ISREG(st.st_mode) ? fs_permission(&st, X_OK) : -EACCES;
}

long sys_execve(const char *upath, char *const uargv[], char *const uenvp[])
{
    long r = user_string_ok(upath, PATH_MAX);
    if (r < 0)
        return r;
    char **argv = NULL, **envp = NULL;
    char *path = kstrdup(upath), *interp = kmalloc(PATH_MAX);
    if (!path || !interp) {
        r = -ENOMEM;
        goto fail;
    }
    if ((r = copy_vector(uargv, &argv)) < 0 || (r = copy_vector(uenvp, &envp)) < 0)
        goto fail;
    /* Linux (since 5.18) gives a program started with no argv an argv of {""},
     * so that argv[0] is never the start of envp. */
    if (!argv[0]) {
        kfree(argv);
        argv = kzalloc(2 * sizeof(char *));
        if (!argv || !(argv[0] = kstrdup(""))) {
            r = -ENOMEM;
            goto fail;
        }
    }
    for (int depth = 0;; depth++) {
        if ((r = check_executable(path)) < 0)
            goto fail;
        char **script_argv;
        r = interpreter_of(path, argv, interp, PATH_MAX, &script_argv);
        if (r < 0)
            goto fail;
        if (r == 0)
            break;
        if (depth == MAX_INTERP_DEPTH) {
            r = -ELOOP;
            goto fail;
        }
        free_vector(argv);
        argv = script_argv;
        kfree(path);
        path = kstrdup(interp);
        if (!path) {
            r = -ENOMEM;
            goto fail;
        }
    }
    if ((r = elf_probe(path)) < 0)
        goto fail;
    /* Only the calling thread goes on into the new program, as on Linux. */
    thread_end_others();
    /* The point of no return: the old program's memory goes. */
    mm_unmap_user();
    mm_init(pal_state->aslr && personality_randomize());   /* a new program gets a new layout, as on Linux */
    syscall_patch_reset();
    fd_close_on_exec();
    proc_vfork_release();
    signal_exec();
    cred_exec();
    uint64_t entry, sp;
    r = program_load(path, argv, envp, &entry, &sp);
    if (r < 0) {
        log_error("execve %s failed after the old program was gone (%ld)", path, r);
        libos_die_by_signal(11, NULL);
    }
    struct syscall_frame *f = current_syscall;
    memset(f, 0, sizeof(*f));
    f->rip = entry;
    f->rsp = sp;
    f->rflags = 0x3202;   /* as at boot: IF, and IOPL 3 for the PAL's port I/O on every host */
    r = 0;
fail:
    free_vector(argv);
    free_vector(envp);
    kfree(path);
    kfree(interp);
    return r;
}
