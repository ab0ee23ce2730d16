/* flock(2): whole-file locks, held by open file descriptions.
 *
 * A host file (tmpfs's too) or pipe is locked on the host (file_ops.flock),
 * where the picoprocesses that share it are processes of their own, so they
 * exclude each other as Linux processes do.  Any other file (/dev, /proc) only
 * this process reaches: its locks are kept here, so that two open file
 * descriptions of one file exclude each other, as on Linux.  Nobody is asked
 * to wait: a blocked request sleeps here and tries again, so a signal ends it. */
#include "fs/fs.h"
#include "signal/signal.h"

#define MAX_HOLDS 64
#define RETRY_NS 1000000ull   /* a blocked flock looks again every millisecond */

struct hold {
    struct file *f;        /* NULL: a free slot */
    uint64_t dev, ino;
    bool excl;
};
static struct hold holds[MAX_HOLDS];
static int nholds;         /* slots in use, so that closing a file costs nothing when none is */

static struct hold *hold_of(struct file *f)
{
    for (int i = 0; i < MAX_HOLDS; i++)
        if (holds[i].f == f)
            return &holds[i];
    return NULL;
}

static void hold_drop(struct hold *h)
{
    h->f = NULL;
    nholds--;
}

static long local_flock(struct file *f, int op)
{
    struct hold *own = nholds ? hold_of(f) : NULL;
    if (op == LOCK_UN) {
        if (own)
            hold_drop(own);
        return 0;
    }
    struct stat st;
    long r = file_stat(f, &st);
    if (r < 0)
        return r;
    for (int i = 0; i < MAX_HOLDS; i++) {
        const struct hold *h = &holds[i];
        if (h->f && h->f != f && h->dev == st.st_dev && h->ino == st.st_ino && (h->excl || op == LOCK_EX))
            return -EWOULDBLOCK;
    }
    if (!own && !(own = hold_of(NULL)))
        return -ENOLCK;
    if (!own->f)
        nholds++;
    *own = (struct hold){ .f = f, .dev = st.st_dev, .ino = st.st_ino, .excl = op == LOCK_EX };
    return 0;
}

long file_flock(struct file *f, int op)
{
    int base = op & ~LOCK_NB;
    if (base != LOCK_SH && base != LOCK_EX && base != LOCK_UN)
        return -EINVAL;
    for (;;) {
        long r = f->ops->flock ? f->ops->flock(f, base) : local_flock(f, base);
        if (r != -EWOULDBLOCK || (op & LOCK_NB))
            return r;
        if (signal_pending())
            return -ERESTARTSYS;
        pal->sleep_ns(RETRY_NS);
    }
}

void file_flock_release(struct file *f)
{
    struct hold *h = nholds && !f->ops->flock ? hold_of(f) : NULL;
    if (h)
        hold_drop(h);
}
