/* The descriptor table of this picoprocess: lowest free number first, as POSIX wants. */
#include "fs/fs.h"
#include "bookkeep/process.h"
#include <linux/resource.h>

struct file *fd_table[MAX_FDS];
static uint64_t cloexec_bits[MAX_FDS / 64];

static void set_cloexec(int fd, bool on)
{
    if (on)
        cloexec_bits[fd / 64] |= 1ull << (fd % 64);
    else
        cloexec_bits[fd / 64] &= ~(1ull << (fd % 64));
}

int fd_limit(void)
{
    uint64_t soft = rlimit_soft(RLIMIT_NOFILE);
    return soft < MAX_FDS ? (int)soft : MAX_FDS;
}

long fd_install(struct file *f, int min_fd, bool cloexec)
{
    int limit = fd_limit();
    for (int fd = min_fd < 0 ? 0 : min_fd; fd < limit; fd++) {
        if (!fd_table[fd]) {
            fd_table[fd] = f;
            set_cloexec(fd, cloexec);
            return fd;
        }
    }
    file_put(f);
    return -EMFILE;
}

long fd_install_at(int fd, struct file *f, bool cloexec)
{
    if (fd < 0 || fd >= fd_limit()) {
        file_put(f);
        return -EBADF;
    }
    struct file *old = fd_table[fd];
    fd_table[fd] = f;
    set_cloexec(fd, cloexec);
    /* Released after the slot is reused, as Linux does, so a release that looks
     * at the table sees the new file. */
    if (old) {
        file_record_locks_close(old);
        file_put(old);
    }
    return fd;
}

long fd_close(int fd)
{
    struct file *f = fd_file(fd);
    if (!f)
        return -EBADF;
    fd_table[fd] = NULL;
    set_cloexec(fd, false);
    file_record_locks_close(f);
    file_put(f);
    return 0;
}

bool fd_get_cloexec(int fd)
{
    return fd_file(fd) && (cloexec_bits[fd / 64] & (1ull << (fd % 64)));
}

void fd_set_cloexec(int fd, bool cloexec)
{
    if (fd_file(fd))
        set_cloexec(fd, cloexec);
}

void fd_close_all(void)
{
    for (int fd = 0; fd < MAX_FDS; fd++)
        if (fd_file(fd))
            fd_close(fd);
}

void fd_close_on_exec(void)
{
    for (int w = 0; w < MAX_FDS / 64; w++) {
        while (cloexec_bits[w]) {
            int fd = w * 64 + __builtin_ctzll(cloexec_bits[w]);
            fd_close(fd);
        }
    }
}
