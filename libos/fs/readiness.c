/* The readiness of a set of files and the one PAL wait on all of them, for
 * poll, select and epoll.
 *
 * Each file says what is ready now and adds the PAL streams that tell when
 * it changes (file_ops.poll); one stream_poll waits on every stream of the
 * set.  A stream's revents are its file's, except for files that gather
 * other files' streams (an epoll in the set): those are asked again after
 * the wait.  A signalfd adds the signals it reads: one of them ends the wait
 * although it is blocked, and the files are looked at again. */
#include "fs/fs.h"
#include "fs/stream.h"
#include "signal/signal.h"

void poll_wait_add(struct poll_wait *pw, long handle, short events)
{
    if (!pw || pw->nomem)
        return;
    if (pw->n == pw->cap) {
        int cap = pw->cap ? 2 * pw->cap : 16;
        if (cap > PAL_POLL_MAX) {
            pw->nomem = true;
            return;
        }
        struct pal_poll *w = kmalloc((size_t)cap * (sizeof(*w) + sizeof(int)));
        if (!w) {
            pw->nomem = true;
            return;
        }
        int *owner = (int *)(w + cap);
        if (pw->n) {
            memcpy(w, pw->w, (size_t)pw->n * sizeof(*w));
            memcpy(owner, pw->owner, (size_t)pw->n * sizeof(int));
        }
        kfree(pw->w);
        pw->w = w;
        pw->owner = owner;
        pw->cap = cap;
    }
    pw->owner[pw->n] = pw->who;
    pw->w[pw->n++] = (struct pal_poll){ .handle = handle, .events = events };
}

static short filter(short events)
{
    return events | POLLERR | POLLHUP;
}

/* One look at a file: the bits ready now; its streams go into pw. */
static short look(struct file *f, short events, struct poll_wait *pw, int who)
{
    if (!f->ops->poll)
        return POLL_ALWAYS & filter(events);
    int first = pw ? pw->n : 0;
    if (pw) {
        pw->who = who;
        pw->recheck = false;
    }
    short ready = f->ops->poll(f, events, pw) & filter(events);
    for (int k = first; pw && pw->recheck && k < pw->n; k++)
        pw->owner[k] = ~who;
    return ready;
}

/* After the wait: the streams' revents go to their items. -> how many items became ready. */
static long take_revents(struct poll_item *items, const struct poll_wait *pw)
{
    long ready = 0;
    for (int k = 0; k < pw->n; k++) {
        if (!pw->w[k].revents)
            continue;
        bool again = pw->owner[k] < 0;
        struct poll_item *it = &items[again ? ~pw->owner[k] : pw->owner[k]];
        short rev = again ? look(it->f, it->events, NULL, 0) : pw->w[k].revents & (filter(it->events) | POLLNVAL);
        ready += rev && !it->revents;
        it->revents |= rev;
    }
    return ready;
}

long poll_items(struct poll_item *items, unsigned int n, uint64_t deadline)
{
    for (;;) {
        struct poll_wait pw = { 0 };
        long ready = 0;
        for (unsigned int i = 0; i < n; i++) {
            items[i].revents = items[i].f ? look(items[i].f, items[i].events, &pw, (int)i) : 0;
            ready += items[i].revents != 0;
        }
        if (pw.nomem) {
            kfree(pw.w);
            return -ENOMEM;
        }
        /* Something ready already: the others get one look, no wait. */
        long r = pw.n || !ready ? stream_wait_signals(pw.w, pw.n, ready ? 0 : deadline, pw.signals) : 0;
        if (r > 0)
            ready += take_revents(items, &pw);
        kfree(pw.w);
        if (r < 0 && r != -EINTR)
            return r;
        if (r == -EINTR && signal_pending())
            return -EINTR;
        /* Done, or a signalfd's signal or an epoll's stream woke us: look again. */
        if (ready || r == 0)
            return ready;
    }
}
