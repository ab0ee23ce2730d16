/* The guest's physical and virtual layout, shared by the monitor and the guest.
 *
 * Physical: guest RAM from GPA 0 (memslot 0, a private mapping in the monitor,
 * so a fork of the monitor copies it on write), the application's shared
 * memory at GPA_SHARED (memslot 1, one MAP_SHARED memfd that every picoprocess
 * of the application inherits), device registers at GPA_MMIO.
 *
 * Virtual: the first 4 MB (below GPA_RAM_POOL) are mapped VA == PA: the guest
 * image, its descriptor tables, call page and the other fixed areas below.
 * All of physical memory is also mapped at DIRECT_MAP + PA (2 MB pages), for
 * the guest to reach any page it owns (page tables, its heap, DMA buffers).
 * [USER_MIN, USER_TOP) is the program's address space, mapped page by page by
 * the library OS's own page tables.
 *
 * Everything is in the lower half: a PVM host shadows only the lower half of
 * a guest's page tables (the upper half is the host kernel's, lent to a guest
 * only through PVM's paravirtual MSRs, which these hosts do not offer), so an
 * upper-half address faults there whatever the tables say.  The direct map
 * and the library OS's own area take the last two 512 GB slots: the program
 * gets 127 TB, below them, instead of Linux's 128 TB.
 * The root of the page tables stays at GPA_PML4: the monitor finds the
 * physical pages behind a PAL call's buffer by walking from there. */
#ifndef PICOVM_GUEST_LAYOUT_H
#define PICOVM_GUEST_LAYOUT_H

#define GUEST_PAGE_SIZE     0x1000ull
#define GUEST_HUGE_SIZE     0x200000ull

#define GPA_GDT             0x1000ull   /* Linux-like GDT, see SEL_* */
#define GPA_IDT             0x2000ull   /* 256 gates -> boot/ stubs */
#define GPA_TSS             0x3000ull   /* one TSS (with its I/O bitmap) per vCPU, TSS_STRIDE apart */
#define TSS_STRIDE          0x200ull
#define GPA_PML4            0x4000ull
#define GPA_PDPT            0x5000ull
#define GPA_PT_LOW          0x6000ull   /* 4K page table of the first 2 MB: page 0 stays unmapped */
#define GPA_PD_LOW          0x8000ull   /* page directory of the first GB (the first 4 MB mapped) */
#define GPA_CALLPAGE        0xc000ull   /* struct hc_page: PAL call slots (pal-kvm/hypercall.h) */
#define GPA_FAULT           0xd000ull   /* struct fault_record per vCPU, written by CPL0 stubs */
#define GPA_PDPT_DIRECT     0xe000ull   /* page-directory pointer table of DIRECT_MAP (512 GB) */
#define GPA_UPCALL          0xf000ull   /* struct upcall_area per vCPU: events the monitor posts (signals, alarms) */
#define GPA_BOOTINFO        0x10000ull  /* struct bootinfo + its string area */
#define BOOTINFO_SIZE       0x10000ull
#define GPA_CPL0_STACK_TOP  0x30000ull  /* 0x20000..0x2ffff: exception entry stacks, 8 KB per vCPU */
#define CPL0_STACK_SIZE     0x2000ull
#define GPA_VSOCK_AREA      0x40000ull  /* pal-kvm's virtio-vsock driver: its rings, packet and stream buffers */
#define GPA_VSOCK_AREA_END  0xc0000ull
#define GPA_IMAGE           0x100000ull /* guest image: boot stubs + guest base + PAL + library OS */
#define GPA_IMAGE_LIMIT     0x400000ull /* image incl. bss must end below this */
#define GPA_RAM_POOL        0x400000ull

#define GUEST_RAM_MIN       (32ull << 20)
#define GUEST_RAM_DEFAULT   (4ull << 30)    /* a pool: only touched pages cost host memory */
#define GUEST_RAM_MAX       (64ull << 30)
#define GUEST_MAX_VCPUS     8

/* The application's shared memory (MAP_SHARED anonymous memory inherited over
 * fork, shared segments): one physical range for all its picoprocesses.  Only
 * touched pages cost host memory. */
#define GPA_SHARED          (64ull << 30)
#define SHARED_MIN          (2ull << 20)
#define SHARED_DEFAULT      (1ull << 30)
#define SHARED_MAX          (64ull << 30)

/* Device registers live above everything else, in one 2 MB page mapped
 * uncached (the monitor maps it; nothing else is there, so a stray access
 * exits and reads as zero).  A register access is an exit, except a
 * virtio-mmio QueueNotify, which is an ioeventfd. */
#define GPA_MMIO            (128ull << 30)
#define GPA_VIRTIO_VSOCK    GPA_MMIO    /* virtio-mmio v2 registers of the vsock device, 4 KB */

/* Virtual addresses (see the top of this file). */
#define DIRECT_MAP          0x7f0000000000ull       /* PML4 slot 254: VA of GPA 0 */
#define DIRECT_MAP_SLOT     254
#define USER_MIN            GPA_RAM_POOL
#define USER_TOP            (DIRECT_MAP - GUEST_PAGE_SIZE)   /* a guard page, as below Linux's TASK_SIZE */

/* GDT selectors (Linux layout, so SYSCALL/SYSRET work on VMX/SVM hosts). */
#define SEL_KCODE   0x10
#define SEL_KDATA   0x18
#define SEL_UCODE32 0x23
#define SEL_UDATA   0x2b
#define SEL_UCODE   0x33
#define SEL_TSS     0x40

/* I/O ports the guest may touch.  DOORBELL is an ioeventfd (no user-space exit);
 * WAIT and FATAL are ordinary exits served by the vCPU thread. */
#define PORT_DOORBELL 0x500   /* PAL server thread is asleep: wake it */
#define PORT_WAIT     0x501   /* block this vCPU until its call slot is answered */
#define PORT_FATAL    0x502   /* CPL0 stub could not hand a fault to the library OS */
#define PORT_VSOCK_WAIT 0x503 /* `inb`: sleep until the vsock device put something in a used ring,
                               * a signal is pending, or a while passed -> VSOCK_WAIT_* */
#define PORT_LAST     PORT_VSOCK_WAIT   /* the TSS I/O bitmap opens PORT_DOORBELL..PORT_LAST */
#define VSOCK_WAIT_NEWS    0
#define VSOCK_WAIT_TIMEOUT 1
#define VSOCK_WAIT_INTR    2   /* the VM's wakeup event (a signal for the guest) */

/* Written at a fault for the library OS's fault handler: the program's
 * registers come first, in struct pal_context order (pal-kvm/pal.h), and it
 * resumes from them.  The CPL0 stub (boot/) saves only rax, rdi, rip,
 * rflags, rsp and what the CPU says; fault_entry (pal-kvm, CPL3, where an
 * instruction costs nothing) saves the other registers. */
struct fault_record {
    unsigned long long r8, r9, r10, r11, r12, r13, r14, r15;
    unsigned long long rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, rflags;
    unsigned long long vector, error, cs, cr2;
    unsigned long long depth;   /* >0 while the library OS handles a fault */
    unsigned long long second_vector, second_rip, second_cr2;   /* a fault while depth > 0 (fatal) */
    unsigned long long pad[6];
};

/* One per vCPU at GPA_UPCALL: asynchronous events the monitor posts for the
 * guest (monitor/upcall.c, pal-kvm/upcall.c).  The monitor adds to
 * host_signals, alarms, children, streams and io, then sets pending; the PAL clears
 * pending, then takes the rest.  When the vCPU was running the program's own code, the
 * monitor saves its registers in regs and moves it to entry on stack. */
struct upcall_area {
    unsigned int pending;               /* futex word: 1 while events wait */
    unsigned int pad0;
    unsigned long long host_signals;    /* bit n-1: host signal n, for the program */
    unsigned long long alarms;          /* expiries of the alarm (HC_SET_ALARM) */
    unsigned long long children;        /* children that ended (HC_PROC_WAIT has their status) */
    unsigned long long streams;         /* vsock news while the program ran its own code */
    unsigned long long io;              /* host news on streams with leases or O_ASYNC (HC_ASYNC) */
    unsigned long long entry, stack;    /* set by the PAL; 0: do not interrupt the program */
    unsigned long long regs[18];        /* struct pal_context order */
    unsigned long long kicks;           /* HC_THREAD_KICKs for this vCPU: its thread has news */
    unsigned long long pad[5];
};

/* Found at GPA_IMAGE: tells the monitor where the guest's entry points are. */
#define GUEST_IMAGE_MAGIC 0x4d56435049504f50ull /* "POPIPCVM" */
#define GUEST_IMAGE_VERSION 1
struct guest_image_header {
    unsigned long long magic;
    unsigned long long version;
    unsigned long long entry;          /* CPL3 entry: rdi = bootinfo, rsi = vCPU id */
    unsigned long long syscall_entry;  /* MSR_LSTAR */
    unsigned long long idt_stubs;      /* 32 stubs of 16 bytes: vector v at idt_stubs + 16 v */
    unsigned long long image_end;      /* end of bss */
    unsigned long long percpu;         /* GS base of vCPU 0; vCPU n at percpu + n * percpu_size */
    unsigned long long percpu_size;
};

#endif
