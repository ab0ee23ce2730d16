/* The monitor's helper threads (PAL server, timer, vsock device): detached,
 * with a small stack, optionally kept to some CPUs. */
#include <pthread.h>
#include "thread.h"

int thread_start(void *(*fn)(void *), void *arg, size_t stack_size, const cpu_set_t *cpus)
{
    pthread_attr_t a;
    pthread_t t;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&a, stack_size);
    if (cpus)
        pthread_attr_setaffinity_np(&a, sizeof(*cpus), cpus);
    int err = pthread_create(&t, &a, fn, arg);
    pthread_attr_destroy(&a);
    return err;
}
