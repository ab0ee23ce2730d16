/* The vsock switch: how the monitors of one application reach each other.
 *
 * The front process makes a private directory (mode 0700, under
 * $XDG_RUNTIME_DIR or /tmp) and a random secret before the first monitor
 * splits off; every monitor inherits both through fork().  A monitor listens
 * at <dir>/<its CID>; a guest's connect to (cid, port) becomes a Unix
 * connection to <dir>/<cid> that starts with a hello (the secret, source
 * CID and port, destination port).  The directory keeps other users out; the
 * secret keeps out other processes of the same user, which could find the
 * directory but cannot read our memory.  The front removes the directory
 * and every socket in it when the application ends; if the front is killed,
 * its monitor does (launcher.c).  Every process of the application holds a
 * lock on the directory, so a directory whose application was killed
 * whole (SIGKILL to all) is found unlocked and removed by a later start. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "vsock.h"
#include "base/log.h"

#define BACKLOG 64
#define STALE_AFTER_S 60   /* a younger directory may be one whose front is still locking it */
/* Room for "/<20 digits>" after the directory in sun_path. */
#define DIR_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 24)

static char dir[DIR_MAX];
static uint8_t secret[16];
static bool made;
static int lock_fd = -1;   /* open on the directory, with its shared lock */

/* The names in a directory, read with system calls only: this runs in a
 * signal handler too (launcher.c). */
struct entries {
    int fd;
    long n, off;
    char buf[4096];
};

static const char *next_name(struct entries *it)
{
    for (;;) {
        if (it->off >= it->n) {
            it->n = syscall(SYS_getdents64, it->fd, it->buf, sizeof(it->buf));
            it->off = 0;
            if (it->n <= 0)
                return NULL;
        }
        struct {
            uint64_t ino;
            int64_t off;
            unsigned short reclen;
            unsigned char type;
            char name[];
        } *e = (void *)(it->buf + it->off);
        it->off += e->reclen;
        if (strcmp(e->name, ".") && strcmp(e->name, ".."))
            return e->name;
    }
}

/* Empties the directory open at fd, then removes name (in parent). */
static void remove_dir(int fd, int parent, const char *name)
{
    struct entries it = { .fd = fd };
    const char *e;
    while ((e = next_name(&it)))
        unlinkat(fd, e, 0);
    unlinkat(parent, name, AT_REMOVEDIR);
}

/* Directories of applications that were killed whole: nobody holds their lock. */
static void sweep(const char *base)
{
    struct entries it = { .fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC) };
    if (it.fd < 0)
        return;
    const char *e;
    while ((e = next_name(&it))) {
        struct stat st;
        if (strncmp(e, "picovm-", 7) || strlen(e) != 13 || fstatat(it.fd, e, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISDIR(st.st_mode) || st.st_uid != getuid() || st.st_mtime > time(NULL) - STALE_AFTER_S)
            continue;
        int fd = openat(it.fd, e, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
            remove_dir(fd, it.fd, e);
        if (fd >= 0)
            close(fd);
    }
    close(it.fd);
}

static int try_dir(const char *base)
{
    if (!base || base[0] != '/' || snprintf(dir, sizeof(dir), "%s/picovm-XXXXXX", base) >= (int)sizeof(dir))
        return -ENAMETOOLONG;
    sweep(base);
    if (!mkdtemp(dir))
        return -errno;
    /* Held by every process of the application: inherited at fork. */
    lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock_fd >= 0 && flock(lock_fd, LOCK_SH) == 0)
        return 0;
    int e = errno;
    if (lock_fd >= 0)
        close(lock_fd);
    lock_fd = -1;
    rmdir(dir);
    return -e;
}

int vsock_switch_create(void)
{
    if (getrandom(secret, sizeof(secret), 0) != sizeof(secret))
        return -EIO;
    int r = try_dir(getenv("XDG_RUNTIME_DIR"));
    if (r < 0)
        r = try_dir("/tmp");
    if (r < 0) {
        dir[0] = 0;
        return r;
    }
    made = true;
    return 0;
}

void vsock_switch_remove(void)
{
    if (!made)
        return;
    made = false;
    /* O_RDONLY alone: what the monitor's seccomp filter lets through. */
    int fd = open(dir, O_RDONLY);
    if (fd < 0)
        return;
    remove_dir(fd, AT_FDCWD, dir);
    close(fd);
    close(lock_fd);
    lock_fd = -1;
}

static int address(uint64_t cid, struct sockaddr_un *a)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    if (!dir[0])
        return -ENETUNREACH;
    snprintf(a->sun_path, sizeof(a->sun_path), "%s/%llu", dir, (unsigned long long)cid);
    return 0;
}

static int unix_socket(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

/* A new socket and the address of cid's: the fd, or -errno. */
static int socket_for(uint64_t cid, struct sockaddr_un *a)
{
    int r = address(cid, a);
    return r < 0 ? r : unix_socket();
}

int vsock_switch_listen(uint64_t cid)
{
    struct sockaddr_un a;
    int r, fd = socket_for(cid, &a);
    if (fd < 0)
        return fd;
    /* A socket left by an earlier picoprocess of this CID (its pid was
     * freed, so it is gone). */
    unlinkat(AT_FDCWD, a.sun_path, 0);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, BACKLOG) < 0) {
        r = -errno;
        close(fd);
        return r;
    }
    return fd;
}

int vsock_switch_connect(uint64_t src_cid, uint32_t src_port, uint64_t dst_cid, uint32_t dst_port)
{
    struct sockaddr_un a;
    int r = 0, fd = socket_for(dst_cid, &a);
    if (fd < 0)
        return fd;
    struct vsock_hello h = { .src_cid = src_cid, .src_port = src_port, .dst_port = dst_port };
    memcpy(h.secret, secret, sizeof(secret));
    /* A Unix connect does not wait for the peer to accept, and a new
     * socket's buffer takes the whole hello. */
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
        r = -errno;
    else if (send(fd, &h, sizeof(h), MSG_NOSIGNAL) != (ssize_t)sizeof(h))
        r = -ECONNRESET;
    if (r < 0) {
        close(fd);
        return r;
    }
    return fd;
}

bool vsock_switch_hello_ok(const struct vsock_hello *h)
{
    uint8_t diff = 0;   /* the whole secret, whatever differs first */
    for (size_t i = 0; i < sizeof(secret); i++)
        diff |= h->secret[i] ^ secret[i];
    return dir[0] && diff == 0 && h->src_cid > VSOCK_HOST_CID;
}
