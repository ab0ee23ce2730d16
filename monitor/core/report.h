/* How a guest's crash reaches the user: one line on stderr naming the program. */
#ifndef PICOVM_MONITOR_REPORT_H
#define PICOVM_MONITOR_REPORT_H

struct vm;

void report_crash(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
