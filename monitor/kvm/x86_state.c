/* The x86-64 state of a picoprocess: the first page tables (the low 4 MB and
 * the direct map, include/abi/layout.h), Linux-layout descriptor tables, and each vCPU's registers,
 * which start directly at CPL3 in the guest image.  One list of MSRs serves
 * setup and fork alike, so an MSR set here is never lost in a child. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include "vm.h"
#include "vcpu_state.h"
#include "x86.h"

/* Cleared on `syscall`: TF, DF, AC.  IF stays: the guest takes no interrupts. */
#define SYSCALL_RFLAGS_MASK (RFLAGS_TF | RFLAGS_DF | RFLAGS_AC)
/* IOPL 3: port I/O from CPL3 is legal on every host (QEMU's TCG checks it). */
#define INITIAL_RFLAGS (0x3000ull | RFLAGS_IF | 0x2ull)

/* The I/O bitmap follows the 104-byte TSS and covers ports up to PORT_LAST
 * (plus the terminating byte the CPU reads past the last port). */
#define TSS_IOMAP 0x68
#define TSS_LIMIT (TSS_IOMAP + PORT_LAST / 8 + 1)
_Static_assert(TSS_LIMIT < TSS_STRIDE, "TSS and I/O bitmap must fit in their slot");
_Static_assert(GPA_SHARED >= GUEST_RAM_MAX && GPA_MMIO >= GPA_SHARED + SHARED_MAX &&
               GPA_MMIO % (1ull << 30) == 0 && GPA_MMIO < (512ull << 30),
               "RAM, shared memory and device registers each have GBs of their own in the direct map");

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

/* The MSRs picovm gives a vCPU, with their values at boot. */
static const uint32_t vcpu_msrs[] = { MSR_STAR, MSR_LSTAR, MSR_SFMASK, MSR_KERNEL_GS_BASE };
#define NMSRS (sizeof(vcpu_msrs) / sizeof(vcpu_msrs[0]))
_Static_assert(NMSRS <= sizeof(((struct vcpu_state *)0)->msrs.e) / sizeof(struct kvm_msr_entry),
               "struct vcpu_state holds every MSR of the list");

static uint64_t msr_at_boot(const struct vm *vm, uint32_t index)
{
    switch (index) {
    case MSR_STAR:
        return ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32);
    case MSR_LSTAR:
        return vm->image.syscall_entry;
    case MSR_SFMASK:
        return SYSCALL_RFLAGS_MASK;
    default:
        return 0;
    }
}

static uint64_t *ram64(struct vm *vm, uint64_t gpa) { return (uint64_t *)(vm->ram + gpa); }

/* Maps the GBs of physical memory [gpa, gpa+size) at DIRECT_MAP + gpa with
 * 2 MB pages, taking page directories from *table (upwards). */
static void direct_map(struct vm *vm, uint64_t gpa, uint64_t size, uint64_t flags, uint64_t *table)
{
    for (uint64_t g = gpa >> 30; g < (gpa + size + (1ull << 30) - 1) >> 30; g++) {
        uint64_t *pd = ram64(vm, *table);
        memset(pd, 0, GUEST_PAGE_SIZE);
        ram64(vm, GPA_PDPT_DIRECT)[g] = *table | PTE_P | PTE_RW | PTE_US;
        *table += GUEST_PAGE_SIZE;
        for (uint64_t i = 0; i < 512; i++) {
            uint64_t a = (g << 30) + (i << 21);
            if (a >= gpa && a < gpa + size)
                pd[i] = a | flags | PTE_P | PTE_RW | PTE_US | PTE_PS | PTE_NX;
        }
    }
}

/* The first page tables: the low 4 MB VA == PA, and the direct map of RAM,
 * the shared memory and the device registers.  The direct map's page
 * directories take the first pages of the pool, in the VM's first memory
 * slot; the guest's pages start above them (vm->pool_start).  The program's address space starts empty: the library OS
 * maps it. */
void x86_build_page_tables(struct vm *vm)
{
    memset(ram64(vm, GPA_PML4), 0, GUEST_PAGE_SIZE);
    memset(ram64(vm, GPA_PDPT), 0, GUEST_PAGE_SIZE);
    memset(ram64(vm, GPA_PD_LOW), 0, GUEST_PAGE_SIZE);
    memset(ram64(vm, GPA_PDPT_DIRECT), 0, GUEST_PAGE_SIZE);
    ram64(vm, GPA_PML4)[0] = GPA_PDPT | PTE_P | PTE_RW | PTE_US;
    ram64(vm, GPA_PML4)[DIRECT_MAP_SLOT] = GPA_PDPT_DIRECT | PTE_P | PTE_RW | PTE_US;
    ram64(vm, GPA_PDPT)[0] = GPA_PD_LOW | PTE_P | PTE_RW | PTE_US;
    /* The first 2 MB in 4 KB pages so that page 0 (NULL) can stay absent. */
    uint64_t *pd = ram64(vm, GPA_PD_LOW);
    pd[0] = GPA_PT_LOW | PTE_P | PTE_RW | PTE_US;
    for (uint64_t a = GUEST_HUGE_SIZE; a < GPA_RAM_POOL; a += GUEST_HUGE_SIZE)
        pd[a >> 21] = a | PTE_P | PTE_RW | PTE_US | PTE_PS;
    uint64_t *pt = ram64(vm, GPA_PT_LOW);
    for (int i = 1; i < 512; i++)
        pt[i] = ((uint64_t)i << 12) | PTE_P | PTE_RW | PTE_US;
    uint64_t table = GPA_RAM_POOL;
    direct_map(vm, 0, vm->ram_size, 0, &table);
    direct_map(vm, GPA_SHARED, vm->shared_size, 0, &table);
    /* The device registers: one uncached 2 MB page. */
    direct_map(vm, GPA_MMIO, GUEST_HUGE_SIZE, PTE_PWT | PTE_PCD, &table);
    vm->pool_start = table;
}

void x86_build_descriptor_tables(struct vm *vm)
{
    uint64_t *gdt = ram64(vm, GPA_GDT);
    gdt[SEL_KCODE / 8] = 0x00af9b000000ffffull;
    gdt[SEL_KDATA / 8] = 0x00cf93000000ffffull;
    gdt[SEL_UCODE32 / 8] = 0x00cffb000000ffffull;
    gdt[SEL_UDATA / 8] = 0x00cff3000000ffffull;
    gdt[SEL_UCODE / 8] = 0x00affb000000ffffull;
    uint64_t tss = GPA_TSS;
    gdt[SEL_TSS / 8] = (TSS_LIMIT & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
                       ((tss >> 24 & 0xff) << 56);
    gdt[SEL_TSS / 8 + 1] = tss >> 32;
    /* A TSS per vCPU: rsp0 and IST1 both point at that vCPU's exception
     * stack (the stubs tell the vCPU by it).  PVM checks CPL3 port I/O
     * against the I/O bitmap whatever IOPL says, so the bitmap allows
     * exactly picovm's ports; any other port faults, as on Linux.  The GDT's
     * one descriptor is never loaded again: each vCPU's TR is set directly. */
    for (unsigned id = 0; id < GUEST_MAX_VCPUS; id++) {
        uint8_t *t = vm->ram + GPA_TSS + id * TSS_STRIDE;
        uint64_t top = GPA_CPL0_STACK_TOP - id * CPL0_STACK_SIZE;
        memcpy(t + 4, &top, 8);
        memcpy(t + 36, &top, 8);
        uint16_t iomap = TSS_IOMAP;
        memcpy(t + 0x66, &iomap, 2);
        memset(t + TSS_IOMAP, 0xff, TSS_LIMIT + 1 - TSS_IOMAP);
        for (unsigned port = PORT_DOORBELL; port <= PORT_LAST; port++)
            t[TSS_IOMAP + port / 8] &= ~(1u << (port % 8));
    }
    for (int v = 0; v < 32; v++) {
        uint64_t h = vm->image.idt_stubs + 16 * v;
        uint64_t dpl = (v == 3 || v == 4) ? 3 : 0;   /* int3 and into may come from CPL3 */
        uint64_t *e = ram64(vm, GPA_IDT + 16 * v);
        e[0] = (h & 0xffff) | ((uint64_t)SEL_KCODE << 16) | (1ull << 32) /* IST1 */ |
               ((0x8eull | dpl << 5) << 40) | ((h >> 16 & 0xffff) << 48);
        e[1] = h >> 32;
    }
}

static void segment(struct kvm_segment *s, uint16_t sel, bool code)
{
    memset(s, 0, sizeof(*s));
    s->selector = sel;
    s->limit = 0xffffffff;
    s->present = 1;
    s->dpl = sel & 3;
    s->s = 1;
    s->g = 1;
    if (code) {
        s->type = 11;
        s->l = 1;
    } else {
        s->type = 3;
        s->db = 1;
    }
}

static int set_msrs(struct vcpu *vcpu, const struct kvm_msrs *m)
{
    return ioctl(vcpu->fd, KVM_SET_MSRS, m) == (int)m->nmsrs ? 0 : -1;
}

int x86_vcpu_init(struct vcpu *vcpu, const struct kvm_cpuid2 *cpuid, char *err, size_t errlen)
{
    struct vm *vm = vcpu->vm;
    struct kvm_sregs s;
    if (ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0)
        FAIL("KVM_GET_SREGS: %s", strerror(errno));
    s.cr0 = CR0_PG | CR0_AM | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE;
    s.cr3 = GPA_PML4;
    s.cr4 = CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    /* On PVM the host's CR4 already allows wrfsbase and XSAVE at CPL3; on
     * VMX/SVM the guest's own CR4 must say so. */
    if (!vm->host_is_pvm)
        s.cr4 |= CR4_FSGSBASE | CR4_OSXSAVE;
    s.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
    segment(&s.cs, SEL_UCODE, true);
    segment(&s.ss, SEL_UDATA, false);
    s.ds = s.es = s.fs = s.gs = s.ss;
    s.gs.base = vm->image.percpu + vcpu->id * vm->image.percpu_size;
    s.gdt.base = GPA_GDT;
    s.gdt.limit = 0x7f;
    s.idt.base = GPA_IDT;
    s.idt.limit = 32 * 16 - 1;
    memset(&s.tr, 0, sizeof(s.tr));
    s.tr.selector = SEL_TSS;
    s.tr.base = GPA_TSS + vcpu->id * TSS_STRIDE;
    s.tr.limit = TSS_LIMIT;
    s.tr.type = 11;
    s.tr.present = 1;
    if (ioctl(vcpu->fd, KVM_SET_SREGS, &s) < 0)
        FAIL("KVM_SET_SREGS: %s", strerror(errno));
    if (!vm->host_is_pvm) {
        /* Enable every XSAVE component the vCPU supports (the guest's CPUID says which). */
        uint64_t xcr0 = 1;
        for (unsigned i = 0; i < cpuid->nent; i++)
            if (cpuid->entries[i].function == 0xd && cpuid->entries[i].index == 0)
                xcr0 = cpuid->entries[i].eax | ((uint64_t)cpuid->entries[i].edx << 32);
        struct kvm_xcrs x = { .nr_xcrs = 1, .xcrs = { { .xcr = 0, .value = xcr0 & 0xe7 } } };
        if (ioctl(vcpu->fd, KVM_SET_XCRS, &x) < 0)
            FAIL("KVM_SET_XCRS: %s", strerror(errno));
    }
    struct vcpu_state st;
    st.msrs.h.nmsrs = NMSRS;
    for (size_t i = 0; i < NMSRS; i++)
        st.msrs.e[i] = (struct kvm_msr_entry){ .index = vcpu_msrs[i], .data = msr_at_boot(vm, vcpu_msrs[i]) };
    if (set_msrs(vcpu, &st.msrs.h) < 0)
        FAIL("cannot set the vCPU's MSRs");
    struct kvm_regs r = { .rip = vm->image.entry, .rdi = GPA_BOOTINFO, .rsi = vcpu->id, .rflags = INITIAL_RFLAGS };
    if (ioctl(vcpu->fd, KVM_SET_REGS, &r) < 0)
        FAIL("KVM_SET_REGS: %s", strerror(errno));
    return 0;
}

int x86_vcpu_clone(struct vcpu *vcpu, struct vcpu *from, uint64_t rip, uint64_t rsp, uint64_t arg)
{
    struct vm *vm = vcpu->vm;
    struct vcpu_state *s = calloc(1, sizeof(*s));
    int r = -1;
    if (!s || vcpu_save(from, s) < 0)
        goto out;
    s->sregs.gs.base = vm->image.percpu + vcpu->id * vm->image.percpu_size;
    s->sregs.tr.base = GPA_TSS + vcpu->id * TSS_STRIDE;
    s->regs = (struct kvm_regs){ .rip = rip, .rsp = rsp, .rdi = arg, .rsi = vcpu->id, .rflags = INITIAL_RFLAGS };
    r = vcpu_restore(vcpu, s);
out:
    free(s);
    return r;
}

uint64_t vcpu_guest_tsc(struct vcpu *vcpu)
{
    struct {
        struct kvm_msrs h;
        struct kvm_msr_entry e;
    } m = { .h.nmsrs = 1, .e.index = MSR_IA32_TSC };
    return ioctl(vcpu->fd, KVM_GET_MSRS, &m) == 1 ? m.e.data : 0;
}

int vcpu_save(struct vcpu *vcpu, struct vcpu_state *s)
{
    s->tsc = vcpu_guest_tsc(vcpu);
    s->msrs.h.nmsrs = NMSRS;
    for (size_t i = 0; i < NMSRS; i++)
        s->msrs.e[i].index = vcpu_msrs[i];
    if (ioctl(vcpu->fd, KVM_GET_REGS, &s->regs) < 0 || ioctl(vcpu->fd, KVM_GET_SREGS, &s->sregs) < 0 ||
        ioctl(vcpu->fd, KVM_GET_XSAVE, &s->xsave) < 0 || ioctl(vcpu->fd, KVM_GET_MSRS, &s->msrs) != (int)NMSRS)
        return -1;
    /* XCRs exist only where the guest sets them (VMX/SVM). */
    if (vcpu->vm->host_is_pvm || ioctl(vcpu->fd, KVM_GET_XCRS, &s->xcrs) < 0)
        s->xcrs.nr_xcrs = 0;
    return 0;
}

int vcpu_restore(struct vcpu *vcpu, const struct vcpu_state *s)
{
    struct {
        struct kvm_msrs h;
        struct kvm_msr_entry e;
    } t = { .h.nmsrs = 1, .e = { .index = MSR_IA32_TSC, .data = s->tsc } };
    if (ioctl(vcpu->fd, KVM_SET_SREGS, &s->sregs) < 0 ||
        (s->xcrs.nr_xcrs && ioctl(vcpu->fd, KVM_SET_XCRS, &s->xcrs) < 0) ||
        ioctl(vcpu->fd, KVM_SET_XSAVE, &s->xsave) < 0 || set_msrs(vcpu, &s->msrs.h) < 0 ||
        ioctl(vcpu->fd, KVM_SET_REGS, &s->regs) < 0)
        return -1;
    set_msrs(vcpu, &t.h);   /* best effort: the clock is read from the TSC */
    return 0;
}

uint64_t vcpu_rip(struct vcpu *vcpu)
{
    struct kvm_regs r;
    return ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 ? 0 : r.rip;
}
