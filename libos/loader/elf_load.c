/* ELF loader for static and static-PIE x86-64 executables.  Segment contents
 * are read by the host straight into the pages they end up in. */
#include "loader/elf_load.h"
#include "mm/mm.h"
#include "fs/vfs.h"
#include <linux/elf.h>
#include <linux/fcntl.h>
#include <asm-generic/mman-common.h>
#include <linux/mman.h>

#define PAGE 4096ull
#define MAX_PHDRS 64

static int elf_prot(uint32_t f)
{
    return (f & PF_R ? PROT_READ : 0) | (f & PF_W ? PROT_WRITE : 0) | (f & PF_X ? PROT_EXEC : 0);
}

static long check_header(const Elf64_Ehdr *eh, const char *path)
{
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64) {
        log_debug("%s: not an x86-64 ELF executable", path);
        return -ENOEXEC;
    }
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        log_error("%s: ELF type %d is not executable", path, eh->e_type);
        return -ENOEXEC;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > MAX_PHDRS) {
        log_error("%s: bad program headers", path);
        return -ENOEXEC;
    }
    return 0;
}

static long load_segments(struct file *f, const Elf64_Phdr *ph, int n, uint64_t bias, const char *path)
{
    for (int i = 0; i < n; i++) {
        if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
            continue;
        if (ph[i].p_filesz > ph[i].p_memsz || (ph[i].p_vaddr - ph[i].p_offset) % PAGE) {
            log_error("%s: malformed PT_LOAD segment", path);
            return -ENOEXEC;
        }
        uint64_t start = ALIGN_DOWN(ph[i].p_vaddr + bias, PAGE);
        uint64_t end = ALIGN_UP(ph[i].p_vaddr + bias + ph[i].p_memsz, PAGE);
        long r = mm_map(start, end - start, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, VMA_USER, true);
        if (r < 0) {
            log_error("%s: cannot map segment at 0x%lx (%ld)", path, (unsigned long)start, r);
            return r;
        }
        /* Pages come zeroed, so bss needs no clearing; a lazy mapping gets its frames here. */
        if (!user_range_ok((void *)start, end - start, true))
            return -ENOMEM;
        r = file_pread(f, (void *)(ph[i].p_vaddr + bias), ph[i].p_filesz, ph[i].p_offset);
        if (r < 0 || (uint64_t)r != ph[i].p_filesz) {
            log_error("%s: short read of a segment", path);
            return r < 0 ? r : -EIO;
        }
        mm_protect(start, end - start, elf_prot(ph[i].p_flags) | PROT_READ);
    }
    return 0;
}

/* The file header and program headers, checked: something this loader can
 * run.  lo/hi bound the loadable segments, phdr is where the program headers
 * are mapped (before relocation). */
struct headers {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[MAX_PHDRS];
    uint64_t lo, hi, phdr;
};

static long read_headers(struct file *f, const char *path, struct headers *h)
{
    long r = file_pread(f, &h->eh, sizeof(h->eh), 0);
    if (r != sizeof(h->eh))
        return r < 0 ? r : -ENOEXEC;
    if ((r = check_header(&h->eh, path)) < 0)
        return r;
    size_t phsize = h->eh.e_phnum * sizeof(Elf64_Phdr);
    if (file_pread(f, h->ph, phsize, h->eh.e_phoff) != (long)phsize)
        return -ENOEXEC;
    h->lo = ~0ull, h->hi = 0, h->phdr = 0;
    for (int i = 0; i < h->eh.e_phnum; i++) {
        const Elf64_Phdr *ph = &h->ph[i];
        if (ph->p_type == PT_INTERP) {
            log_warning("%s: dynamically linked programs are not supported yet (build it static)", path);
            return -ENOEXEC;
        }
        if (ph->p_type == PT_PHDR)
            h->phdr = ph->p_vaddr;
        if (ph->p_type == PT_LOAD && ph->p_memsz) {
            h->lo = MIN(h->lo, ALIGN_DOWN(ph->p_vaddr, PAGE));
            h->hi = MAX(h->hi, ALIGN_UP(ph->p_vaddr + ph->p_memsz, PAGE));
            if (!h->phdr && ph->p_offset == 0)
                h->phdr = ph->p_vaddr + h->eh.e_phoff;
        }
    }
    return h->hi > h->lo ? 0 : -ENOEXEC;
}

long elf_probe(const char *path)
{
    struct file *f;
    long r = vfs_open(AT_FDCWD, path, O_RDONLY, 0, &f);
    if (r < 0)
        return r;
    struct headers *h = kmalloc(sizeof(*h));
    r = h ? read_headers(f, path, h) : -ENOMEM;
    kfree(h);
    file_put(f);
    return r;
}

long elf_load(const char *path, struct elf_image *img)
{
    struct file *f;
    long r = vfs_open(AT_FDCWD, path, O_RDONLY, 0, &f);
    if (r < 0)
        return r;
    struct headers *h = kmalloc(sizeof(*h));
    if (!h) {
        r = -ENOMEM;
        goto out;
    }
    if ((r = read_headers(f, path, h)) < 0)
        goto out;
    Elf64_Ehdr eh = h->eh;
    Elf64_Phdr *ph = h->ph;
    uint64_t lo = h->lo, hi = h->hi, phdr_vaddr = h->phdr;
    uint64_t bias = 0;
    if (eh.e_type == ET_DYN) {
        /* Where Linux puts it (ELF_ET_DYN_BASE), or the highest free room. */
        uint64_t span = ALIGN_UP(hi - lo, PAGE), at = mm_pie_base();
        if (!mm_range_free(at, span)) {
            long room = mm_map(0, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, VMA_USER, false);
            if (room < 0) {
                r = room;
                goto out;
            }
            mm_unmap(room, span);   /* only wanted the room; segments are mapped below */
            at = room;
        }
        bias = at - lo;
    }
    if ((r = load_segments(f, ph, eh.e_phnum, bias, path)) < 0)
        goto out;
    img->entry = eh.e_entry + bias;
    img->phdr = phdr_vaddr + bias;
    img->phnum = eh.e_phnum;
    img->phent = sizeof(Elf64_Phdr);
    img->base = bias;
    img->end = hi + bias;
    r = 0;
out:
    kfree(h);
    file_put(f);
    return r;
}
