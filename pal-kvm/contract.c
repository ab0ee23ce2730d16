/* The PAL's types are its own (include/pal/pal.h), but where one is a
 * hypercall type byte for byte, pal-kvm hands it to the monitor as it is:
 * these checks keep the two in step. */
#include <stddef.h>
#include "pal.h"
#include "hypercall.h"
#include "layout.h"
#include "bootinfo.h"

#define SAME_FIELD(a, b, f, g) _Static_assert(offsetof(a, f) == offsetof(b, g), #a "." #f)

_Static_assert(sizeof(struct pal_stat) == sizeof(struct hc_stat), "pal_stat is hc_stat");
SAME_FIELD(struct pal_stat, struct hc_stat, ino, ino);
SAME_FIELD(struct pal_stat, struct hc_stat, mode, mode);
SAME_FIELD(struct pal_stat, struct hc_stat, size, size);
SAME_FIELD(struct pal_stat, struct hc_stat, ctime_ns, ctime_ns);
_Static_assert(sizeof(struct pal_attr) == sizeof(struct hc_attr), "pal_attr is hc_attr");
SAME_FIELD(struct pal_attr, struct hc_attr, mode, mode);
SAME_FIELD(struct pal_attr, struct hc_attr, atime_ns, atime_ns);
SAME_FIELD(struct pal_attr, struct hc_attr, mtime_ns, mtime_ns);
_Static_assert((int)PAL_ATTR_MODE == (int)HC_ATTR_MODE && (int)PAL_ATTR_UID == (int)HC_ATTR_UID && (int)PAL_ATTR_GID == (int)HC_ATTR_GID &&
               (int)PAL_ATTR_ATIME == (int)HC_ATTR_ATIME && (int)PAL_ATTR_MTIME == (int)HC_ATTR_MTIME && (int)PAL_ATTR_TOUCH == (int)HC_ATTR_TOUCH,
               "PAL_ATTR_* are HC_ATTR_*");
_Static_assert(sizeof(struct pal_statfs) == sizeof(struct hc_statfs), "pal_statfs is hc_statfs");
SAME_FIELD(struct pal_statfs, struct hc_statfs, bsize, bsize);
SAME_FIELD(struct pal_statfs, struct hc_statfs, frsize, frsize);
_Static_assert(sizeof(struct pal_poll) == sizeof(struct hc_pollfd), "pal_poll is hc_pollfd");
SAME_FIELD(struct pal_poll, struct hc_pollfd, handle, handle);
SAME_FIELD(struct pal_poll, struct hc_pollfd, events, events);
SAME_FIELD(struct pal_poll, struct hc_pollfd, revents, revents);
_Static_assert(sizeof(struct pal_crash) == sizeof(struct hc_crash), "pal_crash is hc_crash");
SAME_FIELD(struct pal_crash, struct hc_crash, addr, addr);
SAME_FIELD(struct pal_crash, struct hc_crash, core, core);
_Static_assert((int)PAL_TTY_TCGETS == (int)HC_TTY_TCGETS && (int)PAL_TTY_WINSZ == (int)HC_TTY_WINSZ && (int)PAL_TTY_ISATTY == (int)HC_TTY_ISATTY,
               "PAL_TTY_* are HC_TTY_*");
_Static_assert(sizeof(struct pal_itimerspec) == sizeof(struct hc_itimerspec), "pal_itimerspec is hc_itimerspec");
SAME_FIELD(struct pal_itimerspec, struct hc_itimerspec, value_nsec, value_nsec);
_Static_assert((int)PAL_EFD_SEMAPHORE == (int)HC_EFD_SEMAPHORE && (int)PAL_TIMER_ABSTIME == (int)HC_TIMER_ABSTIME &&
               (int)PAL_TIMER_CANCEL_ON_SET == (int)HC_TIMER_CANCEL_ON_SET, "PAL_EFD_*, PAL_TIMER_* are HC_*");
_Static_assert(PAL_PIPE_MAX_SIZE == HC_PIPE_MAX_SIZE, "pipe size limit");
_Static_assert(HC_FUTEX_REQUEUE == 3 && HC_FUTEX_CMP_REQUEUE == 4 && HC_FUTEX_WAKE_OP == 5, "futex_requeue's op is Linux's");
_Static_assert(PAL_MAX_URI == HC_MAX_URI && PAL_MAX_IO == HC_MAX_IO && PAL_POLL_MAX == HC_POLL_MAX, "limits");
_Static_assert((int)PAL_LOG_ERROR == (int)LOG_ERROR && (int)PAL_LOG_WARNING == (int)LOG_WARNING && (int)PAL_LOG_DEBUG == (int)LOG_DEBUG &&
               (int)PAL_LOG_TRACE == (int)LOG_TRACE, "PAL_LOG_* are the boot-info page's LOG_*");
_Static_assert(PAL_MAX_MOUNTS == BOOTINFO_MAX_MOUNTS, "every mount of the boot-info page fits");
/* An exception record is the CPL0 stubs' fault record, passed as it is. */
SAME_FIELD(struct pal_exception, struct fault_record, ctx.rip, rip);
SAME_FIELD(struct pal_exception, struct fault_record, ctx.rflags, rflags);
SAME_FIELD(struct pal_exception, struct fault_record, vector, vector);
SAME_FIELD(struct pal_exception, struct fault_record, error, error);
SAME_FIELD(struct pal_exception, struct fault_record, cs, cs);
SAME_FIELD(struct pal_exception, struct fault_record, addr, cr2);
_Static_assert((unsigned int)PAL_LEASE_GET == HC_LEASE_GET && (int)PAL_ASYNC_OFF == (int)HC_ASYNC_OFF &&
                   (int)PAL_ASYNC_ON == (int)HC_ASYNC_ON && (int)PAL_ASYNC_TAKE == (int)HC_ASYNC_TAKE &&
                   PAL_ASYNC_SEEN == HC_ASYNC_SEEN,
               "PAL_LEASE_GET and PAL_ASYNC_* are HC_'s");
