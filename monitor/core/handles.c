/* The guest's handle table: small integers naming host fds the guest opened
 * through policy.  Calls may be served on several threads at once, so a call
 * holds a reference on its handle while it uses the fd: a concurrent close
 * only marks the slot, and the fd is closed (and its number can be reused by
 * the host) once the last user lets go.  Without that, a racing close plus an
 * unrelated host open could point a guest read at a monitor-internal fd. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>
#include "handles.h"
#include "hypercall.h"

struct handle {
    int fd;
    unsigned refs;     /* calls using fd right now */
    bool open;         /* the guest may still name it */
    bool owned;        /* closing the handle closes fd (not so for the monitor's stdio) */
};

/* Handles 0-2 are the monitor's stdio: the guest may close them, which frees
 * the slot but never closes the monitor's own stdin/stdout/stderr. */
static struct handle table[HC_MAX_HANDLES] = {
    [0] = { .fd = 0, .open = true },
    [1] = { .fd = 1, .open = true },
    [2] = { .fd = 2, .open = true },
};
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

/* Called with table_lock held: the fd to close now, or -1. */
static int release_if_unused(struct handle *h)
{
    if (h->open || h->refs)
        return -1;
    int fd = h->owned ? h->fd : -1;
    h->owned = false;
    return fd;
}

int handle_alloc(int host_fd)
{
    if (host_fd < 0)
        return -EBADF;
    int ret = -EMFILE;
    pthread_mutex_lock(&table_lock);
    for (int i = 0; i < HC_MAX_HANDLES; i++) {
        if (!table[i].open && !table[i].refs) {
            table[i] = (struct handle){ .fd = host_fd, .open = true, .owned = true };
            ret = i;
            break;
        }
    }
    pthread_mutex_unlock(&table_lock);
    return ret;
}

int handle_get(int64_t handle)
{
    if (handle < 0 || handle >= HC_MAX_HANDLES)
        return -EBADF;
    int ret = -EBADF;
    pthread_mutex_lock(&table_lock);
    struct handle *h = &table[handle];
    if (h->open) {
        h->refs++;
        ret = h->fd;
    }
    pthread_mutex_unlock(&table_lock);
    return ret;
}

void handle_put(int64_t handle)
{
    pthread_mutex_lock(&table_lock);
    struct handle *h = &table[handle];
    h->refs--;
    int fd = release_if_unused(h);
    pthread_mutex_unlock(&table_lock);
    if (fd >= 0)
        close(fd);
}

int handle_free(int64_t handle)
{
    if (handle < 0 || handle >= HC_MAX_HANDLES)
        return -EBADF;
    pthread_mutex_lock(&table_lock);
    struct handle *h = &table[handle];
    bool was_open = h->open;
    h->open = false;
    int fd = release_if_unused(h);
    pthread_mutex_unlock(&table_lock);
    if (fd >= 0)
        close(fd);
    return was_open ? 0 : -EBADF;
}

void handles_close_all(void)
{
    for (int i = 0; i < HC_MAX_HANDLES; i++)
        handle_free(i);
}

int64_t hc_on_handle(struct vm *vm, const uint64_t args[6], hc_fd_op op)
{
    int fd = handle_get((int64_t)args[0]);
    if (fd < 0)
        return fd;
    int64_t ret = op(vm, fd, args);
    handle_put((int64_t)args[0]);
    return ret;
}
