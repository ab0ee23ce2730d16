/* The program's FPU, SSE and AVX state in signal frames.
 *
 * The library OS never touches these registers (it is built with
 * -mgeneral-regs-only), so at a signal they still hold the program's state:
 * it is saved with XSAVE into the frame, for every component XCR0 enables
 * (AVX-512 on this project's hosts), in the standard (uncompacted) layout
 * Linux uses, with its "software reserved" bytes and trailing magic that
 * glibc and musl check; rt_sigreturn loads it back with XRSTOR.  A CPU
 * without XSAVE gets a plain 512-byte FXSAVE frame.  XSAVE, XRSTOR and
 * XGETBV work at CPL3 (with CR4.OSXSAVE, which the monitor sets on VMX/SVM
 * and PVM hosts have). */
#include "libos.h"
#include "signal/signal.h"
#include <asm/sigcontext.h>

#define LEGACY_SIZE 512
#define HEADER_SIZE 64
#define XFEATURE_FPSSE 3ull          /* x87 and SSE: the legacy area */
#define MXCSR_DEFAULT 0x1f80u
#define MXCSR_MASK_DEFAULT 0xffbfu   /* when FXSAVE reports none */
#define CPUID1_ECX_OSXSAVE (1u << 27)

static struct {
    bool xsave;
    uint32_t size;                   /* of the XSAVE area, or LEGACY_SIZE */
    uint64_t features;               /* XCR0 */
    uint32_t mxcsr_mask;
    uint8_t *buf;                    /* 64-byte aligned copy of a frame's state, for checks */
} fpu;

/* What a handler starts with: header all zero (every component in its
 * initial state), and MXCSR, which XRSTOR reads from the legacy area. */
static uint8_t init_state[LEGACY_SIZE + HEADER_SIZE] __attribute__((aligned(64)));

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static void xsave(void *at, uint64_t mask)
{
    __asm__ volatile("xsave64 (%0)" : : "r"(at), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

static void xrstor(const void *at, uint64_t mask)
{
    __asm__ volatile("xrstor64 (%0)" : : "r"(at), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

void fpu_init(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    fpu.xsave = r[2] & CPUID1_ECX_OSXSAVE;
    fpu.size = LEGACY_SIZE;
    if (fpu.xsave) {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        fpu.features = ((uint64_t)hi << 32) | lo;
        cpuid(0xd, 0, r);
        fpu.size = r[1];   /* for the components XCR0 enables now */
    }
    uint8_t *raw = kmalloc(fpu.size + HEADER_SIZE + 64);
    if (!raw) {
        log_error("no memory for the FPU state of signal frames");
        libos_exit(126);
    }
    fpu.buf = (uint8_t *)ALIGN_UP((uintptr_t)raw, 64);
    memset(fpu.buf, 0, fpu.size + HEADER_SIZE);
    __asm__ volatile("fxsave64 (%0)" : : "r"(fpu.buf) : "memory");
    fpu.mxcsr_mask = ((struct _fpstate_64 *)fpu.buf)->mxcsr_mask;
    if (!fpu.mxcsr_mask)
        fpu.mxcsr_mask = MXCSR_MASK_DEFAULT;
    ((struct _fpstate_64 *)init_state)->mxcsr = MXCSR_DEFAULT;
    ((struct _fpstate_64 *)init_state)->cwd = 0x37f;
}

uint64_t fpu_frame_size(void)
{
    return fpu.xsave ? fpu.size + FP_XSTATE_MAGIC2_SIZE : LEGACY_SIZE;
}

void fpu_save(uint64_t fp)
{
    struct _fpstate_64 *f = (struct _fpstate_64 *)fp;
    if (!fpu.xsave) {
        __asm__ volatile("fxsave64 (%0)" : : "r"(f) : "memory");
        memset(&f->sw_reserved, 0, sizeof f->sw_reserved);
        return;
    }
    /* XSAVE leaves the header's reserved bytes alone: they must read zero. */
    memset((void *)(fp + LEGACY_SIZE), 0, HEADER_SIZE);
    xsave(f, fpu.features);
    /* As Linux: the legacy area always counts, for FXRSTOR-only readers. */
    ((struct _header *)(fp + LEGACY_SIZE))->xfeatures |= XFEATURE_FPSSE;
    f->sw_reserved = (struct _fpx_sw_bytes){
        .magic1 = FP_XSTATE_MAGIC1,
        .extended_size = fpu.size + FP_XSTATE_MAGIC2_SIZE,
        .xfeatures = fpu.features,
        .xstate_size = fpu.size,
    };
    uint32_t magic2 = FP_XSTATE_MAGIC2;
    memcpy((void *)(fp + fpu.size), &magic2, sizeof magic2);
}

void fpu_reset(void)
{
    if (fpu.xsave)
        xrstor(init_state, fpu.features);
    else
        __asm__ volatile("fxrstor64 (%0)" : : "r"(init_state) : "memory");
}

/* Whether the area at fp carries an XSAVE state of our size, by Linux's marks. */
static bool extended(uint64_t fp, const struct _fpx_sw_bytes *sw)
{
    uint32_t magic2;
    if (sw->magic1 != FP_XSTATE_MAGIC1 || sw->xstate_size != fpu.size ||
        sw->extended_size != fpu.size + FP_XSTATE_MAGIC2_SIZE ||
        !user_range_ok((void *)fp, fpu.size + FP_XSTATE_MAGIC2_SIZE, false))
        return false;
    memcpy(&magic2, (void *)(fp + fpu.size), sizeof magic2);
    return magic2 == FP_XSTATE_MAGIC2;
}

/* The program may have written anything there: it is copied, then checked
 * so that XRSTOR cannot fault (a fault in the library OS is fatal). */
bool fpu_restore(uint64_t fp)
{
    if (fp % 64 || !user_range_ok((void *)fp, LEGACY_SIZE, false))
        return false;
    memcpy(fpu.buf, (void *)fp, LEGACY_SIZE);
    struct _fpstate_64 *f = (struct _fpstate_64 *)fpu.buf;
    f->mxcsr &= fpu.mxcsr_mask;
    if (!fpu.xsave) {
        __asm__ volatile("fxrstor64 (%0)" : : "r"(f) : "memory");
        return true;
    }
    struct _header *h = (struct _header *)(fpu.buf + LEGACY_SIZE);
    if (extended(fp, &f->sw_reserved)) {
        memcpy(fpu.buf + LEGACY_SIZE, (void *)(fp + LEGACY_SIZE), fpu.size - LEGACY_SIZE);
        static const uint8_t zero[HEADER_SIZE - 8];
        if ((h->xfeatures & ~fpu.features) || memcmp((uint8_t *)h + 8, zero, sizeof zero))
            return false;
        h->xfeatures &= f->sw_reserved.xfeatures;
    } else {
        /* A legacy frame: x87 and SSE from it, the rest initial. */
        memset(h, 0, HEADER_SIZE);
        h->xfeatures = XFEATURE_FPSSE;
    }
    xrstor(fpu.buf, fpu.features);
    return true;
}
