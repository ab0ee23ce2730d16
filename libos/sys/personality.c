/* personality: the execution domain, stored as Linux stores it (any value
 * is taken, 0xffffffff only asks) and kept over fork and execve.  Of its
 * flags ADDR_NO_RANDOMIZE takes effect, at the next execve as on Linux;
 * picovm runs x86-64 Linux programs only, so the other domains and flags
 * change nothing else. */
#include "libos.h"
#include "syscall/handlers.h"
#include <linux/personality.h>

static unsigned int persona = PER_LINUX;

bool personality_randomize(void) { return !(persona & ADDR_NO_RANDOMIZE); }

long sys_personality(unsigned int value)
{
    unsigned int old = persona;
    if (value != 0xffffffffu)
        persona = value;
    return old;
}
