/* Loading a static or static-PIE ELF executable into the address space. */
#ifndef PICOVM_ELF_LOAD_H
#define PICOVM_ELF_LOAD_H
#include "libos.h"

struct elf_image {
    uint64_t entry;        /* after relocation */
    uint64_t phdr, phnum, phent;
    uint64_t base;         /* load bias (0 for ET_EXEC) */
    uint64_t end;          /* end of the highest segment: the program break starts here */
};

/* -ENOEXEC for something that is not a loadable x86-64 ELF, with a log line saying why. */
long elf_probe(const char *path);   /* the same checks, loading nothing: execve's last word before it commits */
long elf_load(const char *path, struct elf_image *img);

/* Loads the program at path with a fresh stack, break and /proc identity:
 * -> 0 with where it starts in *entry and *sp, or -errno. */
long program_load(const char *path, char *const argv[], char *const envp[], uint64_t *entry, uint64_t *sp);

/* Builds argv, envp and auxv on a fresh stack; returns the initial rsp or -errno. */
long initial_stack(const struct elf_image *img, const char *execfn, char *const argv[], char *const envp[]);

#endif
