/* The monitor's own messages, on stderr, prefixed so they stand apart from the program's. */
#include <stdarg.h>
#include <stdio.h>
#include "log.h"

int monitor_log_level = LOG_ERROR;

static const char *const level_names[] = { "error", "warning", "info", "debug", "trace" };

void mlog(int level, const char *fmt, ...)
{
    if (level > monitor_log_level)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fprintf(stderr, "picovm: %s: %s\n", level_names[level < 0 ? 0 : level > 4 ? 4 : level], buf);
}
