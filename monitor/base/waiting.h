/* Whether this picoprocess sleeps, waiting for an event: what the other
 * processes of the application read as its state in /proc/PID/stat ('S' or
 * 'R'), as programs and LTP's TST_PROCESS_STATE_WAIT use it to know that a
 * child reached pause() or a blocking read.  Each monitor wait made on the
 * guest's behalf for an event (a sleep, a poll or futex with a timeout, its
 * children, a FIFO's other end, IPC news) is bracketed by waiting_begin and
 * waiting_end; proc/pidns.c points the count at this monitor's entry in the
 * page every monitor of the application maps. */
#ifndef PICOVM_MONITOR_WAITING_H
#define PICOVM_MONITOR_WAITING_H

/* Where the count of waits in progress lives (NULL: nowhere yet). */
void waiting_at(int *count);
void waiting_begin(void);
void waiting_end(void);

#endif
