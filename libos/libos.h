/* Library OS internals shared by every file in libos/. */
#ifndef PICOVM_LIBOS_H
#define PICOVM_LIBOS_H

#include "klib.h"
#include "pal.h"
#include <asm/errno.h>

enum { LOG_ERROR = PAL_LOG_ERROR, LOG_WARNING = PAL_LOG_WARNING, LOG_INFO = PAL_LOG_INFO,
       LOG_DEBUG = PAL_LOG_DEBUG, LOG_TRACE = PAL_LOG_TRACE };

/* Logging goes to the host through the PAL; the level is the manifest's loader.log_level. */
extern int log_level;
void log_printf(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...)   log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warning(...) do { if (log_level >= LOG_WARNING) log_printf(LOG_WARNING, __VA_ARGS__); } while (0)
#define log_debug(...)   do { if (log_level >= LOG_DEBUG) log_printf(LOG_DEBUG, __VA_ARGS__); } while (0)
#define log_trace(...)   do { if (log_level >= LOG_TRACE) log_printf(LOG_TRACE, __VA_ARGS__); } while (0)

/* Library OS heap (backed by the page allocator): never fails silently, returns NULL when out of memory. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void *krealloc(void *p, size_t size);
void kfree(void *p);
char *kstrdup(const char *s);

/* Checks that [p, p+len) is ordinary mapped application memory, so a bad pointer
 * from the program becomes -EFAULT instead of a fault inside the library OS. */
bool user_range_ok(const void *p, size_t len, bool write);
/* A NUL-terminated string of at most max bytes (including NUL); -EFAULT or -ENAMETOOLONG. */
long user_string_ok(const char *s, size_t max);

/* sys/info.c: what uname says of the machine, which /proc/sys/kernel repeats. */
#define UNAME_NODENAME "picovm"
const char *uname_release(void);

#include "bookkeep/process.h"

#endif
