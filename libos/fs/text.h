/* A text grown by printf: the /proc files made at open. */
#ifndef PICOVM_LIBOS_TEXT_H
#define PICOVM_LIBOS_TEXT_H

#include "libos.h"

struct text {
    char *buf;
    size_t len, cap;
    bool oom;      /* an append failed: text_done says -ENOMEM */
};

void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the text over (kfree it), or frees it and gives -ENOMEM. */
long text_done(struct text *t, char **out, size_t *len);

#endif
