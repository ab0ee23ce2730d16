/* Starting a program in this picoprocess: the first one at boot, and the
 * new one of an execve. */
#include "libos.h"
#include "loader/elf_load.h"
#include "mm/mm.h"
#include "ipc/ipc.h"
#include "fs/path.h"

long program_load(const char *path, char *const argv[], char *const envp[], uint64_t *entry, uint64_t *sp)
{
    struct elf_image img;
    long r = elf_load(path, &img);
    if (r < 0)
        return r;
    /* /proc/self/exe is absolute on Linux, however the program was named:
     * glibc's static start-up asserts that it begins with '/'. */
    bool dir_only;
    if (path_normalize(proc.cwd, path, proc.exe, sizeof(proc.exe), &dir_only) < 0)
        strlcpy(proc.exe, path, sizeof(proc.exe));
    mm_brk_init(img.end, pal_state->brk_max_size);
    long stack = initial_stack(&img, path, argv, envp);
    if (stack < 0)
        return stack;
    ipc_exec((uint64_t)stack);
    *entry = img.entry;
    *sp = (uint64_t)stack;
    return 0;
}
