#ifndef PICOVM_PAL_CLOCK_H
#define PICOVM_PAL_CLOCK_H
#include <stdint.h>
#include "bootinfo.h"
void clock_init(const struct bootinfo *bi);
uint64_t clock_realtime_ns(void);
uint64_t clock_monotonic_ns(void);
#endif
