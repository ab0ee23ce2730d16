/* The guest's threads, a vCPU each (threads.c). */
#ifndef PICOVM_MONITOR_THREADS_H
#define PICOVM_MONITOR_THREADS_H

/* Registers HC_THREAD_START, HC_THREAD_EXIT and HC_THREAD_KICK with the PAL server. */
void threads_calls_setup(void);

#endif
