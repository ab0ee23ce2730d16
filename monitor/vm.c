/* Building a picoprocess VM with raw KVM ioctls: guest RAM as one private
 * anonymous mapping (so a future fork() of the monitor copies it on write),
 * an identity map, Linux-layout descriptor tables, and one vCPU that starts
 * directly at CPL3 in the guest image. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>
#include "vm.h"
#include "monitor.h"
#include "percpu.h"

#define PTE_P  0x1ull
#define PTE_RW 0x2ull
#define PTE_US 0x4ull
#define PTE_PS 0x80ull

#define MSR_IA32_TSC 0x10
#define MSR_STAR     0xc0000081
#define MSR_LSTAR    0xc0000082
#define MSR_SFMASK   0xc0000084
/* Cleared on `syscall`: TF, DF, AC.  IF stays: the guest takes no interrupts. */
#define SYSCALL_RFLAGS_MASK 0x40500ull

#define CR0_PE 0x1ull
#define CR0_MP 0x2ull
#define CR0_ET 0x10ull
#define CR0_NE 0x20ull
#define CR0_WP 0x10000ull
#define CR0_AM 0x40000ull
#define CR0_PG 0x80000000ull
#define CR4_PAE 0x20ull
#define CR4_PGE 0x80ull
#define CR4_OSFXSR 0x200ull
#define CR4_OSXMMEXCPT 0x400ull
#define CR4_FSGSBASE 0x10000ull
#define CR4_OSXSAVE 0x40000ull
#define EFER_SCE 0x1ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull
#define EFER_NXE 0x800ull

/* The I/O bitmap follows the 104-byte TSS and covers ports up to PORT_LAST
 * (plus the terminating byte the CPU reads past the last port). */
#define TSS_IOMAP 0x68
#define TSS_LIMIT (TSS_IOMAP + PORT_LAST / 8 + 1)
_Static_assert(TSS_LIMIT < TSS_STRIDE, "TSS and I/O bitmap must fit in their slot");

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

void *gpa_range(struct vm *vm, uint64_t gpa, uint64_t len)
{
    if (gpa >= vm->ram_size || len > vm->ram_size - gpa)
        return NULL;
    return vm->ram + gpa;
}

int vm_wakeup_fd(struct vm *vm)
{
    return vm->wakeup_fd;
}

const char *gpa_string(struct vm *vm, uint64_t gpa, uint64_t len)
{
    const char *s = gpa_range(vm, gpa, len);
    if (!s || !len || !memchr(s, 0, len))
        return NULL;
    return s;
}

static uint64_t *ram64(struct vm *vm, uint64_t gpa) { return (uint64_t *)(vm->ram + gpa); }

static void build_page_tables(struct vm *vm)
{
    uint64_t gbs = (vm->ram_size + (1ull << 30) - 1) >> 30;
    *ram64(vm, GPA_PML4) = GPA_PDPT | PTE_P | PTE_RW | PTE_US;
    for (uint64_t g = 0; g < gbs; g++)
        ram64(vm, GPA_PDPT)[g] = (GPA_PD + g * GUEST_PAGE_SIZE) | PTE_P | PTE_RW | PTE_US;
    uint64_t *pd = ram64(vm, GPA_PD);
    for (uint64_t a = 0; a < vm->ram_size; a += GUEST_HUGE_SIZE)
        pd[a >> 21] = a | PTE_P | PTE_RW | PTE_US | PTE_PS;
    /* The first 2 MB in 4 KB pages so that page 0 (NULL) can stay absent. */
    pd[0] = GPA_PT_LOW | PTE_P | PTE_RW | PTE_US;
    uint64_t *pt = ram64(vm, GPA_PT_LOW);
    for (int i = 1; i < 512; i++)
        pt[i] = ((uint64_t)i << 12) | PTE_P | PTE_RW | PTE_US;
}

static void build_descriptor_tables(struct vm *vm)
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
    /* TSS: rsp0 and IST1 both point at vCPU 0's exception stack.  PVM checks
     * CPL3 port I/O against the I/O bitmap whatever IOPL says, so the bitmap
     * allows exactly picovm's ports; any other port faults, as on Linux. */
    uint8_t *t = vm->ram + GPA_TSS;
    uint64_t top = GPA_CPL0_STACK_TOP;
    memcpy(t + 4, &top, 8);
    memcpy(t + 36, &top, 8);
    uint16_t iomap = TSS_IOMAP;
    memcpy(t + 0x66, &iomap, 2);
    memset(t + TSS_IOMAP, 0xff, TSS_LIMIT + 1 - TSS_IOMAP);
    for (unsigned port = PORT_DOORBELL; port <= PORT_LAST; port++)
        t[TSS_IOMAP + port / 8] &= ~(1u << (port % 8));
    for (int v = 0; v < 32; v++) {
        uint64_t h = vm->image.idt_stubs + 16 * v;
        uint64_t dpl = (v == 3 || v == 4) ? 3 : 0;   /* int3 and into may come from CPL3 */
        uint64_t *e = ram64(vm, GPA_IDT + 16 * v);
        e[0] = (h & 0xffff) | ((uint64_t)SEL_KCODE << 16) | (1ull << 32) /* IST1 */ |
               ((0x8eull | dpl << 5) << 40) | ((h >> 16 & 0xffff) << 48);
        e[1] = h >> 32;
    }
}

static int load_image(struct vm *vm, char *err, size_t errlen)
{
    size_t size = guest_image_end - guest_image_start;
    if (size < sizeof(vm->image) || size > GPA_IMAGE_LIMIT - GPA_IMAGE)
        FAIL("guest image has a bad size (%zu bytes)", size);
    memcpy(&vm->image, guest_image_start, sizeof(vm->image));
    if (vm->image.magic != GUEST_IMAGE_MAGIC || vm->image.version != GUEST_IMAGE_VERSION ||
        vm->image.image_end > GPA_IMAGE_LIMIT)
        FAIL("guest image header is not one this monitor understands");
    memcpy(vm->ram + GPA_IMAGE, guest_image_start, size);
    return 0;
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

/* KVM_GET_SUPPORTED_CPUID is slow (hundreds of us): asked once per monitor. */
static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
    static struct kvm_cpuid2 *cached;
    if (cached)
        return cached;
    int n = 128;
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
    if (!c)
        return NULL;
    c->nent = n;
    if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) < 0) {
        free(c);
        return NULL;
    }
    return cached = c;
}

static int setup_cpu_state(struct vm *vm, char *err, size_t errlen)
{
    struct kvm_cpuid2 *cpuid = supported_cpuid(vm->kvm_fd);
    struct kvm_sregs s;
    if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0)
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
    s.gs.base = vm->image.percpu;
    s.gdt.base = GPA_GDT;
    s.gdt.limit = 0x7f;
    s.idt.base = GPA_IDT;
    s.idt.limit = 32 * 16 - 1;
    memset(&s.tr, 0, sizeof(s.tr));
    s.tr.selector = SEL_TSS;
    s.tr.base = GPA_TSS;
    s.tr.limit = TSS_LIMIT;
    s.tr.type = 11;
    s.tr.present = 1;
    if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &s) < 0)
        FAIL("KVM_SET_SREGS: %s", strerror(errno));
    if (!vm->host_is_pvm) {
        /* Enable every XSAVE component the vCPU supports (the guest's CPUID says which). */
        uint64_t xcr0 = 1;
        for (unsigned i = 0; i < cpuid->nent; i++)
            if (cpuid->entries[i].function == 0xd && cpuid->entries[i].index == 0)
                xcr0 = cpuid->entries[i].eax | ((uint64_t)cpuid->entries[i].edx << 32);
        struct kvm_xcrs x = { .nr_xcrs = 1, .xcrs = { { .xcr = 0, .value = xcr0 & 0xe7 } } };
        if (ioctl(vm->vcpu_fd, KVM_SET_XCRS, &x) < 0)
            FAIL("KVM_SET_XCRS: %s", strerror(errno));
    }
    struct {
        struct kvm_msrs h;
        struct kvm_msr_entry e[3];
    } msrs = { .h.nmsrs = 3, .e = {
        { .index = MSR_STAR, .data = ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32) },
        { .index = MSR_LSTAR, .data = vm->image.syscall_entry },
        { .index = MSR_SFMASK, .data = SYSCALL_RFLAGS_MASK } } };
    if (ioctl(vm->vcpu_fd, KVM_SET_MSRS, &msrs) != 3)
        FAIL("cannot set the syscall MSRs");
    struct kvm_regs r = { 0 };
    r.rip = vm->image.entry;
    r.rdi = GPA_BOOTINFO;
    r.rsi = 0;
    r.rflags = 0x3202;   /* IOPL 3: port I/O from CPL3 is legal on every host */
    if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &r) < 0)
        FAIL("KVM_SET_REGS: %s", strerror(errno));
    return 0;
}

static int setup_doorbell(struct vm *vm, char *err, size_t errlen)
{
    vm->doorbell_fd = eventfd(0, EFD_CLOEXEC);
    vm->wakeup_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (vm->doorbell_fd < 0 || vm->wakeup_fd < 0)
        FAIL("eventfd: %s", strerror(errno));
    struct kvm_ioeventfd io = { .addr = PORT_DOORBELL, .len = 1, .fd = vm->doorbell_fd,
                                .flags = KVM_IOEVENTFD_FLAG_PIO };
    if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0)
        mlog(LOG_DEBUG, "KVM_IOEVENTFD unavailable (%s): doorbells will exit", strerror(errno));
    return 0;
}

/* A KVM VM and its vCPU over vm->ram, which already holds the guest: used at
 * boot and by a forked monitor over the copy-on-write memory it inherited. */
int vm_attach(struct vm *vm, char *err, size_t errlen)
{
    vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0)
        FAIL("KVM_CREATE_VM: %s", strerror(errno));
    struct kvm_userspace_memory_region slot = { .slot = 0, .guest_phys_addr = 0,
                                                .memory_size = vm->ram_size,
                                                .userspace_addr = (uint64_t)vm->ram };
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
        FAIL("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
    vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
    if (vm->vcpu_fd < 0)
        FAIL("KVM_CREATE_VCPU: %s", strerror(errno));
    int run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size <= 0)
        FAIL("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
    vm->run_size = run_size;
    vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
    if (vm->run == MAP_FAILED)
        FAIL("cannot map the vCPU run area: %s", strerror(errno));
    int khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
    vm->tsc_khz = khz > 0 ? (uint64_t)khz : 1000000;
    struct kvm_cpuid2 *cpuid = supported_cpuid(vm->kvm_fd);
    if (!cpuid || ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
        FAIL("cannot set the vCPU's CPUID: %s", strerror(errno));
    return setup_doorbell(vm, err, errlen);
}

/* Lets go of the VM (not of guest memory): a forked monitor's inherited
 * descriptors belong to its parent's VM. */
void vm_detach(struct vm *vm)
{
    munmap(vm->run, vm->run_size);
    close(vm->vcpu_fd);
    close(vm->vm_fd);
    close(vm->doorbell_fd);
    close(vm->wakeup_fd);
}

int vm_create(struct vm *vm, const struct pv_config *cfg, char *err, size_t errlen)
{
    vm->host_is_pvm = host_is_pvm();
    vm->ram_size = cfg->memory_size;
    if (vm->ram_size < GUEST_RAM_MIN || vm->ram_size > GUEST_RAM_MAX || vm->ram_size % GUEST_HUGE_SIZE)
        FAIL("picovm.memory_size must be a multiple of 2M between 32M and 4G");
    vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (vm->kvm_fd < 0)
        FAIL("cannot open /dev/kvm: %s", strerror(errno));
    if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
        FAIL("unsupported KVM API version");
    /* Private, so that a fork() of the monitor copies it on write. */
    vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (vm->ram == MAP_FAILED)
        FAIL("cannot reserve %llu bytes of guest memory", (unsigned long long)vm->ram_size);
    if (load_image(vm, err, errlen) < 0)
        return -1;
    build_page_tables(vm);
    build_descriptor_tables(vm);
    if (vm_attach(vm, err, errlen) < 0 || vsock_attach(vm, err, errlen) < 0)
        return -1;
    return setup_cpu_state(vm, err, errlen);
}

/* The guest's TSC now, read through KVM so it carries the guest's offset. */
uint64_t vm_guest_tsc(struct vm *vm)
{
    struct {
        struct kvm_msrs h;
        struct kvm_msr_entry e;
    } m = { .h.nmsrs = 1, .e.index = MSR_IA32_TSC };
    if (ioctl(vm->vcpu_fd, KVM_GET_MSRS, &m) != 1)
        return 0;
    return m.e.data;
}
