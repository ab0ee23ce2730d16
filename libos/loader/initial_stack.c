/* The initial process stack the x86-64 System V ABI and Linux promise:
 * argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL, then the strings
 * and random bytes they point to, rsp 16-byte aligned at argc. */
#include "loader/elf_load.h"
#include "mm/mm.h"
#include <linux/auxvec.h>
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#define MAX_ARGS 4096

static uint64_t push_bytes(uint64_t *sp, const void *p, size_t n)
{
    *sp -= n;
    memcpy((void *)*sp, p, n);
    return *sp;
}

static uint64_t hwcap(void)
{
    uint32_t a = 1, b, c = 0, d;
    __asm__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    return d;
}

static size_t count(char *const v[])
{
    size_t n = 0;
    while (v && v[n] && n < MAX_ARGS)
        n++;
    return n;
}

long initial_stack(const struct elf_image *img, const char *execfn, char *const argv[], char *const envp[])
{
    size_t argc = count(argv), envc = count(envp);
    uint64_t size = pal_state->stack_size;
    long base = mm_map(mm_stack_top() - size, size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, VMA_USER, true);
    if (base < 0)
        return base;
    uint64_t sp = base + size;
    uint64_t execfn_at = push_bytes(&sp, execfn, strlen(execfn) + 1);
    uint64_t platform_at = push_bytes(&sp, "x86_64", 7);
    uint64_t *argv_at = kmalloc((argc + envc + 2) * sizeof(uint64_t));
    if (!argv_at)
        return -ENOMEM;
    uint64_t *envp_at = argv_at + argc + 1;
    for (size_t i = envc; i-- > 0;)
        envp_at[i] = push_bytes(&sp, envp[i], strlen(envp[i]) + 1);
    for (size_t i = argc; i-- > 0;)
        argv_at[i] = push_bytes(&sp, argv[i], strlen(argv[i]) + 1);
    uint8_t rnd[16];
    pal->random_bytes(rnd, sizeof(rnd));
    sp = ALIGN_DOWN(sp, 16);
    uint64_t random_at = push_bytes(&sp, rnd, sizeof(rnd));

    uint64_t auxv[][2] = {
        { AT_PHDR, img->phdr },     { AT_PHENT, img->phent },   { AT_PHNUM, img->phnum },
        { AT_PAGESZ, 4096 },        { AT_BASE, 0 },             { AT_FLAGS, 0 },
        { AT_ENTRY, img->entry },   { AT_UID, pal_state->host_uid },
        { AT_EUID, pal_state->host_uid }, { AT_GID, pal_state->host_gid },
        { AT_EGID, pal_state->host_gid }, { AT_SECURE, 0 },   { AT_RANDOM, random_at },
        { AT_HWCAP, hwcap() },      { AT_HWCAP2, 0 },           { AT_CLKTCK, 100 },
        { AT_EXECFN, execfn_at },   { AT_PLATFORM, platform_at }, { AT_NULL, 0 },
    };
    size_t words = 1 + argc + 1 + envc + 1 + 2 * ARRAY_SIZE(auxv);
    sp = ALIGN_DOWN(sp - words * 8, 16);
    uint64_t *w = (uint64_t *)sp;
    *w++ = argc;
    for (size_t i = 0; i < argc; i++)
        *w++ = argv_at[i];
    *w++ = 0;
    for (size_t i = 0; i < envc; i++)
        *w++ = envp_at[i];
    *w++ = 0;
    memcpy(w, auxv, sizeof(auxv));
    kfree(argv_at);
    return (long)sp;
}
