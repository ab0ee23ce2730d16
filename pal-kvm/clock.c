/* Time without an exit: the TSC, calibrated by the monitor at boot. */
#include "clock.h"
#include "klib.h"

static uint64_t boot_tsc, boot_real, boot_mono, mult;   /* ns = (ticks * mult) >> 32 */

void clock_init(const struct bootinfo *bi)
{
    boot_tsc = bi->boot_tsc;
    boot_real = bi->boot_realtime_ns;
    boot_mono = bi->boot_monotonic_ns;
    mult = (1000000ull << 32) / (bi->tsc_khz ? bi->tsc_khz : 1000000);
}

static uint64_t since_boot_ns(void)
{
    uint64_t t = rdtsc();
    uint64_t d = t > boot_tsc ? t - boot_tsc : 0;
    return (uint64_t)(((unsigned __int128)d * mult) >> 32);
}

uint64_t clock_realtime_ns(void) { return boot_real + since_boot_ns(); }
uint64_t clock_monotonic_ns(void) { return boot_mono + since_boot_ns(); }
