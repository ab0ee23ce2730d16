/* Crash reports (report.h). */
#include <stdarg.h>
#include <stdio.h>
#include "report.h"
#include "kvm/vm.h"

void report_crash(struct vm *vm, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fprintf(stderr, "picovm: %s: %s\n", vm->program ? vm->program : "guest", buf);
}
