/* Offsets of struct pal_context (pal.h) and the user selectors (layout.h)
 * for the PAL's assembly; checked against the C definitions in upcall.c. */
#ifndef PICOVM_CONTEXT_OFFSETS_H
#define PICOVM_CONTEXT_OFFSETS_H

#define CTX_R8     0
#define CTX_R9     8
#define CTX_R10    16
#define CTX_R11    24
#define CTX_R12    32
#define CTX_R13    40
#define CTX_R14    48
#define CTX_R15    56
#define CTX_RDI    64
#define CTX_RSI    72
#define CTX_RBP    80
#define CTX_RBX    88
#define CTX_RDX    96
#define CTX_RAX    104
#define CTX_RCX    112
#define CTX_RSP    120
#define CTX_RIP    128
#define CTX_RFLAGS 136

#define USER_CS    0x33
#define USER_SS    0x2b

#endif
