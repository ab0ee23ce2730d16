/* The boot-info page: everything the monitor tells a new picoprocess.
 * Versioned; strings live in the same page range and are referred to by
 * guest address (NUL-terminated).  Written by the monitor, read-only by
 * convention for the guest. */
#ifndef PICOVM_BOOTINFO_H
#define PICOVM_BOOTINFO_H

#define BOOTINFO_MAGIC   0x4f464e49544f4f42ull /* "BOOTINFO" */
#define BOOTINFO_VERSION 5
#define BOOTINFO_MAX_MOUNTS 34   /* the manifest's 32, and the default /tmp and /dev/shm */

enum { LOG_ERROR = 0, LOG_WARNING = 1, LOG_INFO = 2, LOG_DEBUG = 3, LOG_TRACE = 4 };
enum { MOUNT_CHROOT = 1, MOUNT_TMPFS = 2 };

struct bootinfo_mount {
    unsigned long long guest_path;  /* char *: absolute path inside the picoprocess */
    unsigned long long host_uri;    /* char *: "file:/host/dir" (for tmpfs, the application's directory of the mount) */
    unsigned int type;              /* MOUNT_* */
    unsigned int writable;
};

struct bootinfo {
    unsigned long long magic;
    unsigned long long version;
    unsigned long long ram_size;        /* bytes of guest RAM from GPA 0 */
    unsigned long long pool_start;      /* the guest's pages are [pool_start, ram_size); below it, from
                                           GPA_RAM_POOL, the monitor's page directories of DIRECT_MAP */
    unsigned long long ram_ready;       /* RAM the VM has in memslots now: [0, ram_ready); HC_VM_GROW adds */
    unsigned long long shared_size;     /* bytes of shared memory at GPA_SHARED */
    unsigned long long shared_ready;    /* the same for the shared memory: [GPA_SHARED, shared_ready) */
    unsigned long long tsc_khz;
    unsigned long long boot_tsc;        /* TSC and wall clock sampled together by the monitor */
    unsigned long long boot_realtime_ns;
    unsigned long long boot_monotonic_ns;
    unsigned int log_level;             /* LOG_* */
    unsigned int host_is_pvm;
    unsigned long long entrypoint;      /* char *: guest path of the program */
    unsigned long long argc, argv;      /* char **, NULL-terminated */
    unsigned long long envc, envp;      /* char **, NULL-terminated */
    unsigned long long start_dir;       /* char * */
    unsigned long long stack_size;
    unsigned long long brk_max_size;
    unsigned long long nmounts;
    struct bootinfo_mount mounts[BOOTINFO_MAX_MOUNTS];
    /* identity of this picoprocess; the multi-process issue fills these */
    unsigned long long pid, ppid, vsock_cid;
    unsigned long long host_uid, host_gid;
    unsigned long long umask;
    unsigned long long aslr;            /* lay the address space out at random, as Linux does */
    unsigned long long end_with_first;  /* picovm.end_with_first_process */
    unsigned long long first_pid;       /* the first process's pid: 2 under the init, 1 if picovm.init = false */
    char host_release[64];              /* the host kernel's uname release, for the program's uname */
};

#endif
