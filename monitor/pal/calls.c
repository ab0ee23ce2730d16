/* Every PAL call the monitor serves, registered with the PAL server. */
#include "calls.h"
#include "core/threads.h"
#include "core/upcall.h"
#include "proc/proc.h"

void pal_calls_setup(void)
{
    pal_evfd_setup();
    pal_files_setup();
    pal_futex_setup();
    pal_misc_setup();
    pal_notify_setup();
    pal_pipes_setup();
    pal_poll_setup();
    pal_space_setup();
    pal_tty_setup();
    proc_calls_setup();
    upcall_calls_setup();
    threads_calls_setup();
}
