/* Filling the boot-info page: the program's argv, environment, mounts and
 * limits, and a TSC/clock pair the guest keeps time from without exits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "proc.h"
#include "kvm/vm.h"
#include "base/clock.h"
#include "bootinfo.h"

extern char **environ;

/* Strings go after the struct, inside the boot-info pages. */
struct strings {
    struct vm *vm;
    uint64_t next, end;
    bool overflow;
};

static uint64_t put_bytes(struct strings *s, const void *p, size_t n, size_t align)
{
    uint64_t at = (s->next + align - 1) & ~(uint64_t)(align - 1);
    if (at + n > s->end) {
        s->overflow = true;
        return 0;
    }
    memcpy(s->vm->ram + at, p, n);
    s->next = at + n;
    return at;
}

static uint64_t put_string(struct strings *s, const char *str) { return put_bytes(s, str, strlen(str) + 1, 1); }

/* A NULL-terminated array of guest string pointers. */
static uint64_t put_vector(struct strings *s, const char *const *v, size_t n)
{
    uint64_t ptrs[n + 1];
    for (size_t i = 0; i < n; i++)
        ptrs[i] = put_string(s, v[i]);
    ptrs[n] = 0;
    return put_bytes(s, ptrs, sizeof(ptrs), 8);
}

static bool env_overridden(const struct pv_config *cfg, const char *entry)
{
    for (size_t i = 0; i < cfg->nenv; i++) {
        size_t n = strlen(cfg->env[i].name);
        if (!strncmp(entry, cfg->env[i].name, n) && entry[n] == '=')
            return true;
    }
    return false;
}

static uint64_t put_environment(struct strings *s, const struct pv_config *cfg, unsigned long long *count)
{
    size_t nhost = 0;
    if (cfg->use_host_env)
        while (environ[nhost])
            nhost++;
    const char *envv[nhost + cfg->nenv + 1];
    char *owned[cfg->nenv + 1];
    size_t n = 0;
    for (size_t i = 0; i < nhost; i++)
        if (!env_overridden(cfg, environ[i]))
            envv[n++] = environ[i];
    for (size_t i = 0; i < cfg->nenv; i++) {
        if (asprintf(&owned[i], "%s=%s", cfg->env[i].name, cfg->env[i].value) < 0)
            owned[i] = NULL;
        else
            envv[n++] = owned[i];
    }
    *count = n;
    uint64_t at = put_vector(s, envv, n);
    for (size_t i = 0; i < cfg->nenv; i++)
        free(owned[i]);
    return at;
}

/* The umask picovm was started with becomes the program's, which the library
 * OS applies itself; the monitor then creates host files with exactly the
 * mode it is given (umask 0), or the host's umask would be applied a second
 * time (a program's umask(0) and creat(0777) would give 0755).  Read once:
 * every later call would see 0. */
static mode_t program_umask(void)
{
    static mode_t mask;
    static bool read;
    if (!read) {
        mask = umask(0);
        read = true;
    }
    return mask;
}

int bootinfo_write(struct vm *vm, const struct pv_config *cfg, char *const argv[], char *err, size_t errlen)
{
    struct bootinfo *bi = (struct bootinfo *)(vm->ram + GPA_BOOTINFO);
    struct strings s = { vm, GPA_BOOTINFO + sizeof(*bi), GPA_BOOTINFO + BOOTINFO_SIZE, false };
    memset(bi, 0, sizeof(*bi));
    bi->magic = BOOTINFO_MAGIC;
    bi->version = BOOTINFO_VERSION;
    bi->ram_size = vm->ram_size;
    bi->pool_start = vm->pool_start;
    bi->ram_ready = vm->ram_ready;
    bi->shared_ready = GPA_SHARED + vm->shared_ready;
    bi->shared_size = vm->shared_size;
    bi->log_level = cfg->log_level;
    bi->host_is_pvm = vm->host_is_pvm;
    bi->entrypoint = put_string(&s, cfg->entrypoint);
    size_t argc = 0;
    while (argv[argc])
        argc++;
    bi->argc = argc;
    bi->argv = put_vector(&s, (const char *const *)argv, argc);
    bi->envp = put_environment(&s, cfg, &bi->envc);
    bi->start_dir = put_string(&s, cfg->start_dir);
    bi->stack_size = cfg->stack_size;
    bi->brk_max_size = cfg->brk_max_size;
    if (cfg->nmounts > BOOTINFO_MAX_MOUNTS) {
        snprintf(err, errlen, "too many fs.mounts (at most %d)", BOOTINFO_MAX_MOUNTS);
        return -1;
    }
    bi->nmounts = cfg->nmounts;
    for (size_t i = 0; i < cfg->nmounts; i++) {
        bi->mounts[i].guest_path = put_string(&s, cfg->mounts[i].path);
        bi->mounts[i].host_uri = put_string(&s, cfg->mounts[i].uri ? cfg->mounts[i].uri : "");
        bi->mounts[i].type = cfg->mounts[i].type;
        bi->mounts[i].writable = cfg->mounts[i].writable;
    }
    bi->pid = (unsigned long long)vm->pid;
    bi->ppid = bi->pid - 1;
    bi->first_pid = bi->pid;
    bi->host_uid = getuid();
    bi->host_gid = getgid();
    bi->umask = program_umask();
    bi->aslr = !cfg->disable_aslr;
    bi->end_with_first = cfg->end_with_first;
    struct utsname uts;
    if (uname(&uts) == 0)
        snprintf(bi->host_release, sizeof(bi->host_release), "%.63s", uts.release);
    if (s.overflow) {
        snprintf(err, errlen, "arguments, environment and mounts do not fit in the %llu-byte boot-info area",
                 (unsigned long long)BOOTINFO_SIZE);
        return -1;
    }
    bi->tsc_khz = vm->tsc_khz;
    bi->boot_tsc = vcpu_guest_tsc(&vm->vcpu[0]);
    bi->boot_realtime_ns = clock_ns(CLOCK_REALTIME);
    bi->boot_monotonic_ns = clock_ns(CLOCK_MONOTONIC);
    return 0;
}
