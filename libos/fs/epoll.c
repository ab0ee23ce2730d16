/* epoll instances: an interest list kept in the guest, whose waits are one
 * PAL poll on the streams of its files (fs/readiness.c), as poll's.
 *
 * Level-triggered items report whatever is ready.  An edge-triggered item
 * reports bits that were not ready at its last report: each wait first
 * looks at what is ready now (bits gone since are forgotten, and all of
 * them once a read or write of this process got EAGAIN from the file: the
 * program drained or filled it, as edge-triggered programs do, and waits
 * for more), and while all that is ready has been reported the item is
 * left out of the PAL wait (whose streams would answer at once).  So an
 * item reports again once it was seen not ready or ran dry, not at every
 * write of another process as Linux's wakeups do.  A one-shot item
 * is disabled by its report until EPOLL_CTL_MOD.
 * EPOLLEXCLUSIVE only matters to several waiters (threads): it is accepted.
 *
 * An item holds a reference on its file; Linux drops the item when the
 * file's last descriptor closes, which here is when that reference is the
 * file's last (looked at in every epoll call).  After fork each process has
 * its own copy of the interest list (Linux shares one). */
#include "fs/fs.h"
#include "fs/stream.h"
#include "fs/epoll.h"

#define EP_PRIVATE (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_EXCLUSIVE_OK (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_DEPTH 5   /* levels of epoll in epoll: Linux's EP_MAX_NESTS + 1 */

struct epitem {
    struct file *f;
    int fd;
    uint32_t events;     /* as asked, EPOLLERR | EPOLLHUP added; 0 when a one-shot fired */
    uint64_t data;
    short reported;      /* edge-triggered: bits reported and ready since */
    uint32_t seq;        /* the file's io_seq at the report */
};

struct epoll {
    struct epitem *items;
    int n, cap;
    int next;            /* where the next report starts: a full one leaves off after its last item */
};

static const struct file_ops epoll_ops;

bool file_is_epoll(struct file *f)
{
    return f->ops == &epoll_ops;
}

static short poll_bits(uint32_t events)
{
    return (short)(events & ~EP_PRIVATE & 0xffff);
}

/* Items whose file has no descriptor left go, as on Linux. */
static void purge(struct epoll *ep)
{
    for (int i = 0; i < ep->n;) {
        if (ep->items[i].f->refcount > 1) {
            i++;
            continue;
        }
        file_put(ep->items[i].f);
        ep->items[i] = ep->items[--ep->n];
    }
}

/* What each item is ready for now (ready[i]), edge-triggered items
 * forgetting the bits no longer ready.  -> how many could report, or -errno. */
static long look_now(struct epoll *ep, short *ready)
{
    struct poll_item *items = ep->n ? kmalloc((size_t)ep->n * sizeof(*items)) : NULL;
    if (ep->n && !items)
        return -ENOMEM;
    for (int i = 0; i < ep->n; i++)
        items[i] = (struct poll_item){ .f = ep->items[i].events ? ep->items[i].f : NULL,
                                       .events = poll_bits(ep->items[i].events) };
    long r = poll_items(items, (unsigned int)ep->n, 0);
    long can = 0;
    for (int i = 0; i < ep->n && r >= 0; i++) {
        struct epitem *it = &ep->items[i];
        if (it->seq != it->f->io_seq)
            it->reported = 0;
        it->reported &= items[i].revents;
        ready[i] = items[i].revents & ~it->reported;
        can += ready[i] != 0;
    }
    kfree(items);
    return r < 0 ? r : can;
}

/* Waits until an item may have something new, or the deadline: -> > 0,
 * 0 at the deadline, -EINTR. */
static long wait_change(struct epoll *ep, uint64_t deadline)
{
    struct poll_item *items = ep->n ? kmalloc((size_t)ep->n * sizeof(*items)) : NULL;
    if (ep->n && !items)
        return -ENOMEM;
    for (int i = 0; i < ep->n; i++) {
        struct epitem *it = &ep->items[i];
        items[i] = (struct poll_item){ .f = it->events && !it->reported ? it->f : NULL,
                                       .events = poll_bits(it->events) };
    }
    long r = poll_items(items, (unsigned int)ep->n, deadline);
    kfree(items);
    return r;
}

long epoll_wait_events(struct file *epf, struct epoll_event *out, int max, uint64_t deadline)
{
    struct epoll *ep = epf->priv;
    purge(ep);
    for (;;) {
        short *ready = ep->n ? kmalloc((size_t)ep->n * sizeof(*ready)) : NULL;
        if (ep->n && !ready)
            return -ENOMEM;
        long r = look_now(ep, ready);
        int got = 0;
        /* Round the list, as Linux's ready list rotates: with a small
         * maxevents no ready item waits for ever behind others. */
        for (int k = 0; k < ep->n && r > 0 && got < max; k++) {
            int i = (ep->next + k) % ep->n;
            struct epitem *it = &ep->items[i];
            if (!ready[i])
                continue;
            out[got].events = (uint32_t)(uint16_t)ready[i];
            out[got++].data = it->data;
            if (it->events & EPOLLET) {
                it->reported |= ready[i];
                it->seq = it->f->io_seq;
            }
            if (it->events & EPOLLONESHOT)
                it->events = 0;
            if (got == max)
                ep->next = (i + 1) % ep->n;
        }
        kfree(ready);
        if (r < 0 || got)
            return r < 0 ? r : got;
        if (!deadline || (r = wait_change(ep, deadline)) <= 0)
            return r;
    }
}

/* An epoll is readable while one of its items could report (epoll in
 * poll, select or another epoll): its streams are its items', asked again
 * after a wait. */
static short epoll_poll(struct file *f, short events, struct poll_wait *pw)
{
    struct epoll *ep = f->priv;
    short *ready = ep->n ? kmalloc((size_t)ep->n * sizeof(*ready)) : NULL;
    if (ep->n && !ready)
        return POLLERR;
    long r = look_now(ep, ready);
    kfree(ready);
    for (int i = 0; i < ep->n && pw && r == 0; i++) {
        struct epitem *it = &ep->items[i];
        if (it->events && !it->reported && it->f->ops->poll)
            it->f->ops->poll(it->f, poll_bits(it->events), pw);
    }
    if (pw)
        pw->recheck = true;
    if (r < 0)
        return POLLERR;
    return r > 0 ? (short)(events & (POLLIN | POLLRDNORM)) : 0;
}

static void epoll_release(struct file *f)
{
    struct epoll *ep = f->priv;
    for (int i = 0; i < ep->n; i++)
        file_put(ep->items[i].f);
    kfree(ep->items);
    kfree(ep);
}

static const struct file_ops epoll_ops = {
    .stat = anon_file_stat,
    .poll = epoll_poll,
    .release = epoll_release,
};

long epoll_file(int flags, struct file **out)
{
    (void)flags;
    struct epoll *ep = kzalloc(sizeof(*ep));
    /* Its flags are what F_GETFL reports for it: no O_LARGEFILE. */
    struct file *f = ep ? file_new(&epoll_ops, O_RDWR, NULL, "anon_inode:[eventpoll]") : NULL;
    if (!f) {
        kfree(ep);
        return -ENOMEM;
    }
    f->priv = ep;
    f->seekable = false;
    *out = f;
    return 0;
}

static struct epitem *find(struct epoll *ep, struct file *f, int fd)
{
    for (int i = 0; i < ep->n; i++)
        if (ep->items[i].f == f && ep->items[i].fd == fd)
            return &ep->items[i];
    return NULL;
}

/* How many levels of epoll f is (1: it holds no epoll), or -1 if target
 * is among them: adding f to target would close a loop. */
static int levels(struct file *f, struct file *target)
{
    if (f == target)
        return -1;
    struct epoll *ep = f->priv;
    int deepest = 1;
    for (int i = 0; i < ep->n; i++) {
        if (!file_is_epoll(ep->items[i].f))
            continue;
        int d = levels(ep->items[i].f, target);
        if (d < 0)
            return -1;
        deepest = MAX(deepest, 1 + d);
    }
    return deepest;
}

static long add(struct epoll *ep, struct file *epf, struct file *f, int fd, const struct epoll_event *ev)
{
    if (find(ep, f, fd))
        return -EEXIST;
    /* Linux refuses a loop, and more than EP_MAX_DEPTH epolls in each
     * other (ELOOP in today's kernels; older ones said EINVAL when a file
     * at the bottom would be watched through too many).  The epolls that hold epf are
     * not counted here: nothing points back at them. */
    int d = file_is_epoll(f) ? levels(f, epf) : 0;
    if (d < 0 || d + 1 > EP_MAX_DEPTH)
        return -ELOOP;
    if (ep->n == ep->cap) {
        int cap = ep->cap ? 2 * ep->cap : 8;
        struct epitem *items = kmalloc((size_t)cap * sizeof(*items));
        if (!items)
            return -ENOMEM;
        if (ep->n)
            memcpy(items, ep->items, (size_t)ep->n * sizeof(*items));
        kfree(ep->items);
        ep->items = items;
        ep->cap = cap;
    }
    file_get(f);
    ep->items[ep->n++] = (struct epitem){ .f = f, .fd = fd, .events = ev->events | EPOLLERR | EPOLLHUP,
                                          .data = ev->data };
    return 0;
}

long epoll_control(struct file *epf, int op, int fd, struct file *f, const struct epoll_event *ev)
{
    if (!f->ops->poll)
        return -EPERM;
    if (f == epf || !file_is_epoll(epf))
        return -EINVAL;
    bool has_event = op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD;
    if (has_event && (ev->events & EPOLLEXCLUSIVE)) {
        if (op == EPOLL_CTL_MOD)
            return -EINVAL;
        if (file_is_epoll(f) || (ev->events & ~EP_EXCLUSIVE_OK))
            return -EINVAL;
    }
    struct epoll *ep = epf->priv;
    purge(ep);
    struct epitem *it = find(ep, f, fd);
    switch (op) {
    case EPOLL_CTL_ADD:
        return add(ep, epf, f, fd, ev);
    case EPOLL_CTL_MOD:
        if (!it)
            return -ENOENT;
        if (it->events & EPOLLEXCLUSIVE)
            return -EINVAL;
        it->events = ev->events | EPOLLERR | EPOLLHUP;
        it->data = ev->data;
        it->reported = 0;
        return 0;
    case EPOLL_CTL_DEL:
        if (!it)
            return -ENOENT;
        file_put(it->f);
        *it = ep->items[--ep->n];
        return 0;
    default:
        return -EINVAL;
    }
}
