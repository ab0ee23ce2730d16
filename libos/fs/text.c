/* A text grown by printf (text.h). */
#include "fs/text.h"
#include <stdarg.h>

void text_printf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->oom || n < 0)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        /* Doubling keeps a long text (cpuinfo of many CPUs) linear to build. */
        size_t cap = MAX(t->cap * 2, t->len + (size_t)n + 1);
        char *b = krealloc(t->buf, cap);
        if (!b) {
            t->oom = true;
            return;
        }
        t->buf = b;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

long text_done(struct text *t, char **out, size_t *len)
{
    if (t->oom) {
        kfree(t->buf);
        return -ENOMEM;
    }
    *out = t->buf;
    *len = t->len;
    return 0;
}
