/* picovm: run a program described by a manifest in its own KVM VM. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <unistd.h>
#include <linux/kvm.h>
#include "base/appdir.h"
#include "base/log.h"
#include "config/lockdown.h"
#include "config/policy.h"
#include "config/tmpfs.h"
#include "core/devices.h"
#include "core/pal_server.h"
#include "core/upcall.h"
#include "core/vcpu_loop.h"
#include "dev/vsock/vsock_vm.h"
#include "kvm/vm.h"
#include "pal/calls.h"
#include "proc/proc.h"

#define PICOVM_VERSION "0.1.0"
#define EXIT_USAGE 2
#define EXIT_SETUP 70   /* EX_SOFTWARE: picovm itself could not run the program */

static void usage(FILE *out)
{
    fprintf(out, "usage: picovm run [--stats] FILE.manifest [-- ARGS...]\n"
                 "       picovm info\n"
                 "       picovm --version\n");
}

static const char *host_kind(void) { return host_is_pvm() ? "PVM" : "VMX/SVM"; }

static int cmd_info(void)
{
    printf("picovm %s\n", PICOVM_VERSION);
    printf("host kind: %s\n", host_kind());
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        printf("/dev/kvm: not usable (%m)\n");
        return 1;
    }
    printf("/dev/kvm: API version %d\n", ioctl(kvm, KVM_GET_API_VERSION, 0));
    printf("ioeventfd: %s\n", ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) > 0 ? "yes" : "no");
    close(kvm);
    return 0;
}

static void warn_line(const char *msg) { mlog(LOG_WARNING, "%s", msg); }

/* argv of the program: the command line's only if the manifest allows it. */
static char **program_argv(const struct pv_config *cfg, int nextra, char **extra)
{
    char **argv;
    if (cfg->use_cmdline_argv) {
        argv = calloc(nextra + 2, sizeof(char *));
        argv[0] = cfg->entrypoint;
        memcpy(argv + 1, extra, nextra * sizeof(char *));
    } else if (cfg->argv) {
        argv = calloc(cfg->argc + 1, sizeof(char *));
        memcpy(argv, cfg->argv, cfg->argc * sizeof(char *));
    } else {
        argv = calloc(2, sizeof(char *));
        argv[0] = cfg->entrypoint;
    }
    return argv;
}

/* Each guest handle is a host fd of this monitor, on top of its own (KVM,
 * vCPUs, doorbells, vsock streams): the host's default soft limit of 1024
 * would run out before the guest's descriptor table is full. */
static void raise_fd_limit(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
}

static int cmd_run(const char *manifest, int nextra, char **extra, bool stats)
{
    struct pv_config cfg;
    char err[1024];
    if (manifest_load(manifest, &cfg, err, sizeof(err), warn_line) < 0) {
        fprintf(stderr, "picovm: %s\n", err);
        return EXIT_USAGE;
    }
    monitor_log_level = cfg.log_level;
    if (nextra && !cfg.use_cmdline_argv) {
        fprintf(stderr, "picovm: %s: arguments given on the command line, but the manifest does not set "
                        "loader.insecure__use_cmdline_argv = true\n", manifest);
        return EXIT_USAGE;
    }
    if (tmpfs_setup(&cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "picovm: %s\n", err);
        appdir_remove_all();
        return EXIT_SETUP;
    }
    if (policy_init(&cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "picovm: %s: %s\n", manifest, err);
        appdir_remove_all();
        return EXIT_USAGE;
    }
    /* A write to a pipe or socket with no reader left fails with EPIPE, which
     * goes back to the guest: its SIGPIPE is the library OS's to raise. */
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    pal_calls_setup();
    launcher_split(stats);
    if (pidns_init((int)cfg.max_processes, pv_first_pid(&cfg)) < 0) {
        fprintf(stderr, "picovm: cannot set up the process table\n");
        monitor_exit(EXIT_SETUP);
    }
    static const struct device *const devices[] = { &vsock_device, NULL };
    static struct vm vm;
    vm.program = cfg.entrypoint;
    vm.pid = pv_first_pid(&cfg);
    if (vm_create(&vm, &cfg, err, sizeof(err)) < 0 || devices_attach(&vm, devices, err, sizeof(err)) < 0 ||
        bootinfo_write(&vm, &cfg, program_argv(&cfg, nextra, extra), err, sizeof(err)) < 0) {
        fprintf(stderr, "picovm: %s\n", err);
        monitor_exit(EXIT_SETUP);
    }
    vm.vcpu[0].thread_running = 1;
    pal_server_start(&vm.vcpu[0], true);
    upcall_start(&vm.vcpu[0]);
    if (monitor_lockdown(err, sizeof(err)) < 0) {
        fprintf(stderr, "picovm: %s\n", err);
        monitor_exit(EXIT_SETUP);
    }
    int status = vcpu_run(&vm.vcpu[0]);
    /* The first thread ended and others go on: so does the monitor, without this thread. */
    if (status == VCPU_ENDED) {
        __atomic_store_n(&vm.vcpu[0].thread_running, 0, __ATOMIC_RELEASE);
        pthread_exit(NULL);
    }
    monitor_exit(status);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
        printf("picovm %s (host kind: %s)\n", PICOVM_VERSION, host_kind());
        return 0;
    }
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
        usage(stdout);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "info"))
        return cmd_info();
    if (argc >= 3 && !strcmp(argv[1], "run")) {
        int i = 2;
        bool stats = !strcmp(argv[i], "--stats");
        i += stats;
        if (i >= argc || (i + 1 < argc && strcmp(argv[i + 1], "--"))) {
            usage(stderr);
            return EXIT_USAGE;
        }
        int nextra = i + 1 < argc ? argc - i - 2 : 0;
        return cmd_run(argv[i], nextra, argv + i + 2, stats);
    }
    usage(stderr);
    return EXIT_USAGE;
}
