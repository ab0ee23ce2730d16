// ARGS: one two three
// What the loader gives a new program: arguments, environment, auxv.
// The environment variables printed must be the same in both runs (the
// harness gives PATH=/usr/bin:/bin; T_MARK may be set, or unset in both).
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "check.h"

extern const Elf64_Ehdr __ehdr_start;   /* provided by the linker */
extern char _start[];                   /* musl's entry point */

static void arguments(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d]=%s\n", i, argv[i]);
    CHECK("argv-null-terminated", argv[argc] == NULL);
    static const char *const shown[] = { "T_MARK", "PATH" };
    for (unsigned i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        const char *v = getenv(shown[i]);
        printf("%s=%s\n", shown[i], v ? v : "(unset)");
    }
    CHECK("env-t-ro-absolute", getenv("T_RO") && getenv("T_RO")[0] == '/');
    CHECK("env-unset-var", getenv("PICOVM_SURELY_UNSET_VARIABLE") == NULL);
    CHECK("environ-follows-argv", environ == argv + argc + 1);
}

static void aux_vector(char **argv)
{
    CHECK("at-pagesz", getauxval(AT_PAGESZ) == 4096);
    CHECK("at-phdr", getauxval(AT_PHDR) != 0 &&
                     getauxval(AT_PHDR) == (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff);
    CHECK("at-phnum", getauxval(AT_PHNUM) != 0 && getauxval(AT_PHNUM) == __ehdr_start.e_phnum);
    CHECK("at-phent", getauxval(AT_PHENT) == sizeof(Elf64_Phdr));
    CHECK("at-entry", getauxval(AT_ENTRY) != 0 && getauxval(AT_ENTRY) == (uintptr_t)_start);

    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    int nonzero = 0;
    for (int i = 0; rnd && i < 16; i++)
        nonzero |= rnd[i];
    CHECK("at-random", rnd != NULL && nonzero);

    const char *execfn = (const char *)getauxval(AT_EXECFN);
    CHECK("at-execfn", execfn && !strcmp(execfn, argv[0]));
    CHECK("at-uid", getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid());
    CHECK("at-gid", getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid());
    CHECK("at-secure", getauxval(AT_SECURE) == 0);

    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    int loads = 0;
    for (unsigned long i = 0; ph && i < getauxval(AT_PHNUM); i++)
        loads += ph[i].p_type == PT_LOAD;
    CHECK("phdr-has-load", loads >= 1);
}

static void stack(void)
{
    /* The ABI: the stack is 16-byte aligned at every call. */
    _Alignas(16) volatile char probe[16];
    CHECK("stack-aligned", ((uintptr_t)probe & 15) == 0);
    volatile char deep[256 << 10];   /* the default 8 MB stack easily holds 256 KB */
    deep[0] = 1;
    deep[sizeof deep - 1] = 2;
    CHECK("stack-256k", deep[0] == 1 && deep[sizeof deep - 1] == 2);
}

int main(int argc, char **argv)
{
    arguments(argc, argv);
    aux_vector(argv);
    stack();
    return check_exit_status();
}
