/* The program's virtual address space: a sorted table of mappings (VMAs) in
 * a 47-bit space like Linux's x86-64 one, backed by frames of the guest's
 * RAM pool (guest/frames.h) or, for MAP_SHARED anonymous memory, by an object
 * of the application's shared pool (guest/shared_pool.h), through page
 * tables the library OS owns (guest/paging.h).  The library OS's own heap
 * lives in an area of its own above the program's. */
#ifndef PICOVM_MM_H
#define PICOVM_MM_H

#include "libos.h"

enum vma_kind { VMA_USER = 1, VMA_LIBOS = 2 };
/* Mappings the table holds, the library OS's own included (/proc/sys/vm/max_map_count). */
#define MM_MAX_MAPS 4096

/* Whoever stands behind a shared object besides the mappings (a file, for
 * fs/filemap.c): each mapping holds it, and the object's last reference
 * hands the pages back to it. */
struct vma_owner_ops {
    void (*hold)(void *owner);
    void (*release)(void *owner);
    void (*last)(void *owner, uint64_t base, uint64_t len);                   /* under the pool's lock */
    void (*sync)(void *owner, uint64_t base, uint64_t off, uint64_t len);     /* msync */
    /* The object's bytes that exist now (a file's size): pages past them
     * are not given, and a touch there is SIGBUS, as Linux's.  NULL: all. */
    uint64_t (*size)(void *owner);
    /* The object grew (mremap): its bytes [from, to), from the owner. */
    void (*fill)(void *owner, uint64_t base, uint64_t from, uint64_t to);
};

/* Advice that outlives the call (madvise), and mlock's lock. */
enum { VMA_WIPEONFORK = 1, VMA_DONTFORK = 2, VMA_LOCKED = 4 };

struct vma {
    uint64_t start, end;     /* page aligned, end exclusive */
    int prot;                /* PROT_* */
    int flags;               /* MAP_* the program asked for (MAP_SHARED, MAP_ANONYMOUS, ...) */
    int kind;                /* enum vma_kind */
    int advice;              /* VMA_WIPEONFORK, VMA_DONTFORK */
    bool lazy;               /* frames come at the first touch of each page */
    bool no_write;           /* a shared mapping of a file not open for writing: never PROT_WRITE */
    bool guarded;            /* may hold guard pages (mm_guard): buffers in it are looked at page by page */
    uint64_t shm;            /* shared object behind it (its physical base), 0: private frames */
    uint64_t shm_off;        /* offset of start in that object (a shared file mapping's: the file offset) */
    const struct vma_owner_ops *owner_ops;   /* the object's owner, held by the mapping; NULL: none */
    void *owner;
};

/* Lays out the address space: randomized as Linux does unless aslr is false. */
void mm_init(bool aslr);
/* Where the stack ends, where a position-independent program goes. */
uint64_t mm_stack_top(void);
uint64_t mm_pie_base(void);
/* Bytes of RAM the pool can still give. */
uint64_t mm_free_bytes(void);
/* Bytes the program's mappings span, of those with every bit of advice
 * (VMA_*; 0: all of them), now and at most since the process began. */
uint64_t mm_user_bytes(int advice);
uint64_t mm_size_peak(void);
/* The program's pages that have a frame now; *peak: at most so far. */
uint64_t mm_resident_pages(uint64_t *peak);
/* Linux's ru_maxrss, in KB: the largest resident set of this process, its
 * earlier programs' included (execve keeps it; a fork's child starts from
 * its parent's present program's). */
uint64_t mm_maxrss_kb(void);
/* mlockall(MCL_FUTURE): the program's new mappings are locked (until
 * munlockall, a fork's child or a new program). */
void mm_lock_future(bool on);
/* mlockall(MCL_CURRENT) and munlockall: every mapping of the program. */
void mm_lock_all(bool on);

/* Finds room for len bytes, top down below the stack, or uses addr exactly
 * when fixed.  Replaces whatever user mappings were there when fixed
 * (MAP_FIXED); never touches library OS memory.  Returns the address or -errno. */
long mm_map(uint64_t addr, uint64_t len, int prot, int flags, int kind, bool fixed);
long mm_unmap(uint64_t addr, uint64_t len);
long mm_protect(uint64_t addr, uint64_t len, int prot);
/* mprotect(PROT_WRITE) of [addr, addr+len) fails with EACCES from now on. */
void mm_forbid_write(uint64_t addr, uint64_t len);
/* A MAP_SHARED mapping of the shared object at base from its offset off, owned
 * by owner (a file): takes over the caller's reference to the object. */
long mm_map_object(uint64_t addr, uint64_t len, int prot, bool fixed, uint64_t base, uint64_t off,
                   const struct vma_owner_ops *ops, void *owner);
/* msync: mappings of owned objects in [addr, addr+len) go to their owners. */
long mm_sync(uint64_t addr, uint64_t len);
/* Moves the mapping [old, old+len) to new (frames move, nothing is copied). */
long mm_move(uint64_t old, uint64_t len, uint64_t new_addr);
/* Gives the frames of [addr, addr+len) back: private memory reads as zero
 * after.  anon_only (MADV_FREE): only private anonymous memory may be given. */
long mm_discard(uint64_t addr, uint64_t len, bool anon_only);
/* Does the program's memory cover [addr, addr+len) without a hole? */
bool mm_range_mapped(uint64_t addr, uint64_t len);
long mm_advise(uint64_t addr, uint64_t len, int advice, bool set);
/* MADV_GUARD_INSTALL (install) and MADV_GUARD_REMOVE: guard pages, which a
 * touch or a system call's buffer finds as if nothing were mapped there. */
long mm_guard(uint64_t addr, uint64_t len, bool install);
const struct vma *mm_find(uint64_t addr);
/* The mapping at index i in address order, NULL past the last. */
const struct vma *mm_at(int i);
/* Drops every mapping of the program (execve, exit). */
void mm_unmap_user(void);
/* Is [addr, addr+len) free of any mapping? */
bool mm_range_free(uint64_t addr, uint64_t len);
/* A page fault at addr: MM_FAULT_DONE if it was a page still to be given
 * (lazy) and now is, MM_FAULT_OOM if the pool had none left for it,
 * MM_FAULT_SIGBUS if it lies past the end of the file it maps,
 * MM_FAULT_GUARD if it is a guard page (SIGSEGV as for no mapping). */
enum { MM_FAULT_NOT_MINE = 0, MM_FAULT_DONE = 1, MM_FAULT_OOM = 2, MM_FAULT_SIGBUS = 3, MM_FAULT_GUARD = 4 };
int mm_fault(uint64_t addr, bool write);
/* Writes into the program's memory whatever its protection (code patching). */
bool mm_poke(uint64_t addr, const void *src, size_t len);
/* Room within +-1 GB of near (the syscall patcher's stubs), or -errno. */
long mm_map_near(uint64_t near, uint64_t len);

/* Around a fork: the child's references to shared objects, its advice. */
void mm_before_fork(void);
void mm_fork_failed(void);
void mm_fork_child(void);
/* The process ends: its references to shared objects go (its own frames go with the VM). */
void mm_exit(void);

/* /proc/self/maps: a kmalloc'ed text. */
long mm_maps_text(char **text, size_t *len);
/* /proc/self/pagemap (pagemap.c): the entries of n pages from first_page on. */
void mm_pagemap(uint64_t first_page, uint64_t *out, size_t n);
/* /proc/self/status's memory lines (VmPeak .. VmSwap), as snprintf (usage.c). */
int mm_status_text(char *buf, size_t size);

/* Library OS pages (its heap). */
void *mm_alloc_pages(size_t npages);
void mm_free_pages(void *p, size_t npages);

/* Program break. */
void mm_brk_init(uint64_t start, uint64_t max_size);

#endif
