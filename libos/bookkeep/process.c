/* This picoprocess's identity (process.h). */
#include "libos.h"

struct process proc;

static char comm[PROC_COMM_LEN];
static bool comm_set;   /* false: derived from the program's path */

/* Linux names a process after the last component of the path it exec'd,
 * truncated to 15 characters. */
const char *proc_comm(void)
{
    if (!comm_set) {
        const char *base = strrchr(proc.exe, '/');
        strlcpy(comm, base ? base + 1 : proc.exe, sizeof comm);
    }
    return comm;
}

void proc_set_comm(const char *name, size_t len)
{
    memset(comm, 0, sizeof comm);
    memcpy(comm, name, len);
    comm_set = true;
}
