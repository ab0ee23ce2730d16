// FUZZ-SOURCES: monitor/core/pal_server.c monitor/config/policy.c monitor/pal/files.c monitor/pal/fifo.c monitor/pal/futex.c monitor/kvm/guest_mem.c monitor/pal/tty.c monitor/pal/misc.c monitor/pal/notify.c monitor/pal/calls.c monitor/proc/children.c monitor/proc/pidns.c monitor/pal/pipes.c monitor/pal/poll.c monitor/core/upcall.c monitor/base/log.c monitor/base/thread.c monitor/base/waiting.c monitor/pal/space.c monitor/pal/evfd.c
/* libFuzzer target for the host side of PAL calls: each input is one call
 * with hostile arguments over a fake guest RAM, under a policy of one
 * temporary tree (a writable mount with a read-only one nested inside, a
 * read-only mount, and an outside directory that symlinks point at).
 *
 * Input: a count byte (1 + n % MAX_CALLS calls), then per call nr (1 byte),
 * pointer mask (1 byte) and args[6] (8 bytes each, little endian), then a
 * byte of page-table edits (n % MAX_EDITS) and the edits (struct edit), then
 * bytes copied into guest RAM at DATA_GPA with each '@' replaced by the
 * temporary directory, so uris like "file:@/w/x" reach the mounts.  Bit i of
 * a mask turns args[i] into an address inside that data: where guest RAM is
 * mapped VA == PA, or with bit 6 through the window at HIGH, whose pages map
 * the data's frames out of order, around a hole and a read-only page.  The
 * edits then overwrite entries of the page tables with anything: cycles,
 * tables and frames outside RAM, in the shared memory or the device
 * registers, huge pages at any level.  Handles opened by one call (0, 1,
 * ... : the guest's stdio is closed) serve the later ones; all are closed,
 * and the page tables rebuilt, after the input.
 *
 * Oracles besides the sanitizers (which see any access outside guest
 * memory): the outside directory and file, the read-only mounts and what
 * they hold never change (content, mode, owner, times), the outside file's
 * content never reaches guest memory, no host fd leaks. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/log.h"
#include "config/policy.h"
#include "core/pal_server.h"
#include "core/upcall.h"
#include "pal/calls.h"
#include "proc/proc.h"
#include "hypercall.h"
#include "bootinfo.h"
#include "../unit/fake_vm.h"

#define RAM_SIZE   (8ull << 20)
#define DATA_GPA   0x10000ull
#define DATA_SIZE  0x10000ull
/* The outside file's content: random for each run, so that an input cannot
 * write it to a file of its own and read it back (a false escape). */
static char secret[40];
#define RESET_EVERY 4096   /* inputs between rebuilding the writable tree */
#define MAX_CALLS  8
#define NMOUNTS    3
#define MAX_EDITS  8
#define PAGE       GUEST_PAGE_SIZE
#define HIGH       0x7ff012340000ull
#define HIGH_PAGES (DATA_SIZE / PAGE)
#define HIGH_HOLE  7    /* page of the window left unmapped */
#define HIGH_RO    11   /* and the one mapped read-only */

/* One page-table entry overwritten: in table `table % NTABLES` of the
 * tables the walks go through, entry `index % 512`.  Bit 9 of value (one
 * the CPU leaves to software) makes its address one of those tables: a cycle. */
struct edit {
    uint8_t table;
    uint16_t index;
    uint64_t value;
} __attribute__((packed));
#define NTABLES 6

static struct vm vm;
static char tmp[64];
/* What no input may change: checked after each one against a snapshot. */
static const char *const watched[] = { "/outside", "/outside/secret", "/r", "/r/data",
                                       "/w/nested", "/w/nested/keep" };
#define NWATCHED (sizeof watched / sizeof *watched)
static struct stat watched_st[NWATCHED];

static void die(const char *what)
{
    perror(what);
    abort();
}

static char *path(const char *rel)
{
    static char p[256];
    snprintf(p, sizeof p, "%s%s", tmp, rel);
    return p;
}

static void make_file(const char *rel, const char *text)
{
    int fd = open(path(rel), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, text, strlen(text)) < 0)
        die(rel);
    close(fd);
}

static void make_dir(const char *rel)
{
    if (mkdir(path(rel), 0755) && errno != EEXIST)
        die(rel);
}

static void make_link(const char *target, const char *rel)
{
    if (symlink(target, path(rel)) && errno != EEXIST)
        die(rel);
}

static int remove_entry(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    if (ftw->level > 0)
        remove(p);
    return 0;
}

/* The writable mount's tree; rebuilt now and then, since inputs rename and delete in it. */
static void build_tree(void)
{
    nftw(path("/w"), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    make_dir("/w");
    make_dir("/w/sub");
    make_file("/w/file", "hello");
    make_link("file", "/w/link_in");
    make_link("../outside/secret", "/w/link_out");
    char abs[128];
    snprintf(abs, sizeof abs, "%s/outside/secret", tmp);
    make_link(abs, "/w/link_abs");
    make_link("../..", "/w/link_up");
    make_link("/", "/w/link_root");
    make_link("nested", "/w/to_nested");
    make_dir("/w/nested");
    make_file("/w/nested/keep", "keep");
}

/* Taken again after each rebuild, which makes /w/nested anew. */
static void snapshot(void)
{
    for (size_t i = 0; i < NWATCHED; i++)
        if (lstat(path(watched[i]), &watched_st[i]))
            die(watched[i]);
}

static bool same_ts(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static void cleanup(void)
{
    nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    rmdir(tmp);
}

/* Mounts: /w writable, /w/nested read-only inside it, /r read-only.  Redone
 * after each rebuild, since the nested root directory is recreated. */
static void set_policy(void)
{
    static char w[128], r[128], n[128];
    snprintf(w, sizeof w, "file:%s/w", tmp);
    snprintf(r, sizeof r, "file:%s/r", tmp);
    snprintf(n, sizeof n, "file:%s/w/nested", tmp);
    static struct pv_mount mounts[NMOUNTS];
    mounts[0] = (struct pv_mount){ .path = "/w", .uri = w, .type = MOUNT_CHROOT, .writable = true };
    mounts[1] = (struct pv_mount){ .path = "/r", .uri = r, .type = MOUNT_CHROOT };
    mounts[2] = (struct pv_mount){ .path = "/w/nested", .uri = n, .type = MOUNT_CHROOT };
    struct pv_config cfg = { .mounts = mounts, .nmounts = NMOUNTS };
    char err[256];
    if (policy_init(&cfg, err, sizeof err)) {
        fprintf(stderr, "policy_init: %s\n", err);
        abort();
    }
}

static void init(void)
{
    monitor_log_level = -1;   /* HC_LOG validates but prints nothing */
    strcpy(tmp, "/tmp/picovm-fuzz-XXXXXX");
    if (!mkdtemp(tmp))
        die("mkdtemp");
    atexit(cleanup);
    make_dir("/outside");
    unsigned char rnd[16];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
        die("getrandom");
    int n = snprintf(secret, sizeof secret, "TOPSECRET-");
    for (size_t i = 0; i < sizeof rnd; i++)
        n += snprintf(secret + n, sizeof secret - (size_t)n, "%02x", rnd[i]);
    make_file("/outside/secret", secret);
    make_dir("/r");
    make_file("/r/data", "readonly");
    build_tree();
    snapshot();
    set_policy();
    pal_calls_setup();
    /* No guest stdio: inputs must not write to the terminal or block on stdin. */
    for (int h = 0; h < 3; h++)
        handle_free(h);
    /* Before the file size limit: the shared memory is a 2 MB memfd. */
    if (fake_vm_map(&vm, RAM_SIZE))
        die("mmap");
    /* Files the inputs write stay small; past the limit write fails with EFBIG. */
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &(struct rlimit){ 1 << 20, 1 << 20 });
}

/* The tables a walk of an identity address or of the window goes through,
 * found before the edits make the tables unwalkable. */
static uint64_t tables[NTABLES];

/* Page tables as the guest would have them before an input's edits. */
static void build_tables(void)
{
    fake_vm_tables(&vm);
    for (uint64_t i = 0; i < HIGH_PAGES; i++) {
        uint64_t frame = DATA_GPA + ((i * 5 + 3) % HIGH_PAGES) * PAGE;   /* 5 is prime to 16: a permutation */
        if (i != HIGH_HOLE)
            fake_vm_map_page(&vm, HIGH + i * PAGE, frame, 1, i == HIGH_RO ? 0 : PTE_RW);
    }
    static const struct { uint64_t va; int level; } at[NTABLES] = {
        { 0, 4 }, { 0, 3 }, { 0, 2 }, { HIGH, 3 }, { HIGH, 2 }, { HIGH, 1 },
    };
    for (int i = 0; i < NTABLES; i++)
        tables[i] = (uint64_t)((uint8_t *)fake_vm_entry(&vm, at[i].va, at[i].level) - vm.ram) & ~(PAGE - 1);
}

static void apply_edits(const uint8_t **data, size_t *size)
{
    if (*size < 1)
        return;
    int n = **data % MAX_EDITS;
    (*data)++;
    (*size)--;
    for (int i = 0; i < n && *size >= sizeof(struct edit); i++) {
        struct edit e;
        memcpy(&e, *data, sizeof e);
        *data += sizeof e;
        *size -= sizeof e;
        uint64_t v = e.value;
        if (v & (1ull << 9))
            v = (v & ~PTE_ADDR) | tables[(v >> 12) % NTABLES];
        uint64_t *entry = (uint64_t *)(vm.ram + tables[e.table % NTABLES]) + e.index % 512;
        *entry = v;
    }
}

static void check_oracles(void)
{
    /* ctime moves on any change of content, name, mode, owner or times. */
    for (size_t i = 0; i < NWATCHED; i++) {
        struct stat st;
        const struct stat *was = &watched_st[i];
        if (lstat(path(watched[i]), &st) || st.st_ino != was->st_ino || st.st_size != was->st_size ||
            st.st_mode != was->st_mode || st.st_uid != was->st_uid || st.st_gid != was->st_gid ||
            !same_ts(st.st_mtim, was->st_mtim) || !same_ts(st.st_ctim, was->st_ctim)) {
            fprintf(stderr, "%s changed\n", watched[i]);
            abort();
        }
    }
    /* Policy only ever opens things inside the tree: past the mount roots,
     * any fd still there leaked.  (Counting all fds would trip over the
     * sanitizer's symbolizer pipes.) */
    int inside = 0;
    DIR *fds = opendir("/proc/self/fd");
    for (struct dirent *e; (e = readdir(fds));) {
        char link[64], target[256];
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            inside += strncmp(target, tmp, strlen(tmp)) == 0;
        }
    }
    closedir(fds);
    if (inside != NMOUNTS) {
        fprintf(stderr, "host fd leaked: %d fds inside the tree, %d mounts\n", inside, NMOUNTS);
        abort();
    }
}

struct call {
    int nr;
    uint64_t a[6];
};

/* Takes one call's record from the input; missing bytes read as zero. */
static struct call parse_call(const uint8_t **data, size_t *size)
{
    uint8_t rec[2 + 6 * 8] = { 0 };
    size_t n = *size < sizeof rec ? *size : sizeof rec;
    memcpy(rec, *data, n);
    *data += n;
    *size -= n;
    struct call c = { .nr = rec[0] % HC_NR_CALLS };
    for (int i = 0; i < 6; i++) {
        for (int b = 0; b < 8; b++)
            c.a[i] |= (uint64_t)rec[2 + 8 * i + b] << (8 * b);
        if (rec[1] & (1u << i))
            c.a[i] = (rec[1] & 0x40 ? HIGH : DATA_GPA) + c.a[i] % DATA_SIZE;
    }
    /* Short sleeps only; the bound check itself still sees huge values. */
    if (c.nr == HC_SLEEP && c.a[0] <= 86400ull * 1000000000ull)
        c.a[0] %= 1000;
    /* Nothing waits long: polls time out within a microsecond, and pipes and
     * opens are non-blocking (a read of an empty pipe, a write to a full one,
     * the open of a FIFO HC_MKFIFO made would wait for ever in a single thread). */
    if (c.nr == HC_POLL)
        c.a[2] %= 1000;
    if (c.nr == HC_FUTEX)
        c.a[3] %= 1000;
    /* Hostile tables map one frame again and again: a GB of random bytes would take seconds. */
    if (c.nr == HC_RANDOM && c.a[1] <= HC_MAX_IO)
        c.a[1] %= 1 << 20;
    if (c.nr == HC_PIPE)
        c.a[1] |= O_NONBLOCK;
    if (c.nr == HC_OPEN)
        c.a[2] |= O_NONBLOCK;
    return c;
}

static void put_data(const uint8_t *data, size_t size)
{
    uint8_t *dst = vm.ram + DATA_GPA;
    memset(dst, 0, DATA_SIZE);
    size_t tlen = strlen(tmp), n = 0;
    for (size_t i = 0; i < size && n + tlen < DATA_SIZE; i++) {
        if (data[i] == '@') {
            memcpy(dst + n, tmp, tlen);
            n += tlen;
        } else {
            dst[n++] = data[i];
        }
    }
}

static bool secret_in_guest(void)
{
    return memmem(vm.ram, RAM_SIZE, secret, strlen(secret)) || memmem(vm.shared, vm.shared_size, secret, strlen(secret));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned long runs;
    if (!vm.ram)
        init();
    if (++runs % RESET_EVERY == 0) {
        build_tree();
        snapshot();
        set_policy();
    }
    if (size < 1)
        return 0;
    int ncalls = 1 + data[0] % MAX_CALLS;
    data++;
    size--;
    struct call calls[MAX_CALLS];
    for (int i = 0; i < ncalls; i++)
        calls[i] = parse_call(&data, &size);
    build_tables();
    apply_edits(&data, &size);
    put_data(data, size);
    /* libFuzzer learns the secret from the comparison below and may put it in
     * an input: then it was in guest memory before any call, and proves nothing. */
    bool planted = secret_in_guest();
    bool read_any = false;
    for (int i = 0; i < ncalls; i++) {
        int64_t ret = pal_call(&vm, calls[i].nr, calls[i].a);
        if (ret < -4095)
            abort();   /* neither a result nor an errno */
        read_any |= calls[i].nr == HC_READ && ret > 0;
    }
    /* Hostile tables put a read's bytes anywhere in guest memory. */
    if (read_any && !planted && secret_in_guest()) {
        fprintf(stderr, "HC_READ returned the outside file\n");
        abort();
    }
    handles_close_all();
    check_oracles();
    return 0;
}
