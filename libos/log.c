/* Library OS log lines, sent whole to the monitor (one PAL call per line). */
#include "libos.h"

int log_level = LOG_ERROR;

void log_printf(int level, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    pal->debug_log(level, buf, n);
}
