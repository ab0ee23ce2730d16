/* The manifest: a strict TOML subset (what Gramine manifests use) and the
 * picovm configuration read from it. */
#ifndef PICOVM_MANIFEST_H
#define PICOVM_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "bootinfo.h"

/* fs.mounts and fs.root: the boot-info page has room for two more, the
 * default /tmp and /dev/shm (config/tmpfs.c). */
#define MANIFEST_MAX_MOUNTS (BOOTINFO_MAX_MOUNTS - 2)

struct pv_mount {
    char *path;      /* mount point inside the picoprocess, absolute */
    char *uri;       /* "file:/abs/host/dir" (relative host paths are resolved against the manifest's folder);
                        for tmpfs, NULL until config/tmpfs.c gives it its directory */
    int type;        /* MOUNT_CHROOT or MOUNT_TMPFS (include/abi/bootinfo.h) */
    bool writable;
};

struct pv_env {
    char *name, *value;
};

struct pv_config {
    char *manifest_path;
    char *entrypoint;            /* libos.entrypoint: guest path of the program */
    char **argv;                 /* loader.argv (NULL if absent) */
    size_t argc;
    bool use_cmdline_argv;       /* loader.insecure__use_cmdline_argv */
    bool use_host_env;           /* loader.insecure__use_host_env */
    bool disable_aslr;           /* loader.insecure__disable_aslr */
    bool end_with_first;         /* picovm.end_with_first_process */
    bool init;                   /* picovm.init, default true: the program is pid 2 under an init */
    struct pv_env *env;          /* loader.env.NAME, in manifest order */
    size_t nenv;
    struct pv_mount *mounts;     /* fs.mounts, in manifest order */
    size_t nmounts;
    char *start_dir;             /* fs.start_dir, default "/" */
    uint64_t stack_size;         /* sys.stack.size, default 8M */
    uint64_t brk_max_size;       /* sys.brk.max_size, default 256M */
    uint64_t memory_size;        /* picovm.memory_size, default GUEST_RAM_DEFAULT */
    uint64_t shared_memory_size; /* picovm.shared_memory_size, default SHARED_DEFAULT */
    uint64_t max_processes;      /* sys.max_processes, default 32768 */
    int log_level;               /* loader.log_level: LOG_ERROR.. LOG_TRACE, default LOG_ERROR */
};

/* The application pid of the program the user started: 2, whose parent is
 * the init (pid 1) the library OS stands in for, or 1 without it. */
static inline int pv_first_pid(const struct pv_config *cfg) { return cfg->init ? 2 : 1; }


/* Parse a manifest.  On error returns -1 and writes "file:line:col: message"
 * into err.  Unknown keys are reported through warn (may be NULL), one line
 * each, and do not fail the parse.  Gramine keys with no meaning here
 * (sgx.*, loader.entrypoint, ...) are accepted silently. */
int manifest_parse(const char *text, size_t len, const char *filename, struct pv_config *cfg,
                   char *err, size_t errlen, void (*warn)(const char *msg));
int manifest_load(const char *path, struct pv_config *cfg, char *err, size_t errlen,
                  void (*warn)(const char *msg));
void manifest_free(struct pv_config *cfg);

#endif
