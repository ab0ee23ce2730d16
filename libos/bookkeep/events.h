/* Events the host posts for this process (the PAL's upcalls). */
#ifndef PICOVM_LIBOS_EVENTS_H
#define PICOVM_LIBOS_EVENTS_H

/* From start on, host signals, alarms, ended children and stream news reach
 * the signal room and ipc. */
void events_init(void);

#endif
