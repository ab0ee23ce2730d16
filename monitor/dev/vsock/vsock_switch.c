/* The vsock switch: how the monitors of one application reach each other.
 *
 * The front process makes a private directory (mode 0700, under
 * $XDG_RUNTIME_DIR or /tmp) and a random secret before the first monitor
 * splits off; every monitor inherits both through fork().  A monitor listens
 * at <dir>/<its CID>; a guest's connect to (cid, port) becomes a Unix
 * connection to <dir>/<cid> that starts with a hello (the secret, source
 * CID and port, destination port).  The directory keeps other users out; the
 * secret keeps out other processes of the same user, which could find the
 * directory but cannot read our memory.  The directory lives as long as the
 * application (base/appdir.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "vsock.h"
#include "base/appdir.h"
#include "base/log.h"

#define BACKLOG 64
/* Room for "/<20 digits>" after the directory in sun_path. */
#define DIR_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 24)

static char dir[DIR_MAX];
static uint8_t secret[16];

int vsock_switch_create(void)
{
    if (getrandom(secret, sizeof(secret), 0) != sizeof(secret))
        return -EIO;
    const char *runtime = getenv("XDG_RUNTIME_DIR");
    int r = runtime ? appdir_create(runtime, dir, sizeof(dir)) : -ENOENT;
    if (r < 0)
        r = appdir_create("/tmp", dir, sizeof(dir));
    if (r < 0)
        dir[0] = 0;
    return r;
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
