/* Guest side of the hypercall ABI (hypercall.h): one synchronous call. */
#ifndef PICOVM_HCALL_H
#define PICOVM_HCALL_H
#include <stdint.h>
#include <stdbool.h>
long hcall(unsigned int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
/* The same, but parks the vCPU in the monitor at once rather than spinning:
 * for a call that will not return (exit), so the monitor's exit does not
 * wait for a vCPU still running guest code to be kicked out. */
long hcall_parked(unsigned int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, bool park);
#endif
