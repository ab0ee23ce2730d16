/* Guest side of the hypercall ABI (hypercall.h): one synchronous call. */
#ifndef PICOVM_HCALL_H
#define PICOVM_HCALL_H
#include <stdint.h>
long hcall(unsigned int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
#endif
