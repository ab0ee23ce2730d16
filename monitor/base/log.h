/* The monitor's own messages, on stderr, prefixed so they stand apart from
 * the program's; levels are the manifest's loader.log_level (LOG_*). */
#ifndef PICOVM_MONITOR_LOG_H
#define PICOVM_MONITOR_LOG_H

#include "bootinfo.h"   /* LOG_* */

extern int monitor_log_level;
void mlog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
