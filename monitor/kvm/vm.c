/* Building a picoprocess VM with raw KVM ioctls: guest RAM as one private
 * anonymous mapping (so a fork() of the monitor copies it on write), the
 * application's shared memory as a shared memfd mapping (so it stays shared),
 * the guest image, and vCPU 0 (x86_state.c gives it its state). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vm.h"
#include "base/log.h"

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

void *gpa_ram(struct vm *vm, uint64_t gpa, uint64_t len)
{
    if (gpa >= vm->ram_size || len > vm->ram_size - gpa)
        return NULL;
    return vm->ram + gpa;
}

void *gpa_range(struct vm *vm, uint64_t gpa, uint64_t len)
{
    void *p = gpa_ram(vm, gpa, len);
    if (p || gpa < GPA_SHARED)
        return p;
    uint64_t off = gpa - GPA_SHARED;
    if (off >= vm->shared_size || len > vm->shared_size - off)
        return NULL;
    return vm->shared + off;
}

int vm_wakeup_fd(struct vm *vm) { return vm->wakeup_fd; }
int vm_news_fd(struct vm *vm) { return vm->news_fd; }

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

static int setup_eventfds(struct vm *vm, char *err, size_t errlen)
{
    vm->wakeup_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    vm->news_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (vm->wakeup_fd < 0 || vm->news_fd < 0)
        FAIL("eventfd: %s", strerror(errno));
    return 0;
}

/* Each vCPU rings with its id (the `out` byte), so each wakes its own server. */
static int setup_doorbell(struct vcpu *v, char *err, size_t errlen)
{
    v->doorbell_fd = eventfd(0, EFD_CLOEXEC);
    if (v->doorbell_fd < 0)
        FAIL("eventfd: %s", strerror(errno));
    struct kvm_ioeventfd io = { .addr = PORT_DOORBELL, .len = 1, .fd = v->doorbell_fd, .datamatch = v->id,
                                .flags = KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH };
    if (ioctl(v->vm->vm_fd, KVM_IOEVENTFD, &io) < 0)
        mlog(LOG_DEBUG, "KVM_IOEVENTFD unavailable (%s): doorbells will exit", strerror(errno));
    return 0;
}

int vm_add_vcpu(struct vm *vm, unsigned id, char *err, size_t errlen)
{
    if (id >= GUEST_MAX_VCPUS)
        FAIL("vCPU %u: at most %u", id, GUEST_MAX_VCPUS);
    /* tid stays: in a forked monitor the same thread goes on running it. */
    struct vcpu *v = &vm->vcpu[id];
    v->vm = vm;
    v->id = id;
    v->in_guest = v->parked = v->ending = 0;
    /* KVM never takes a vCPU back: an ended thread's is the next one's. */
    if (v->fd > 0) {
        __atomic_store_n(&v->live, 1, __ATOMIC_RELEASE);
        return 0;
    }
    v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
    if (v->fd < 0)
        FAIL("KVM_CREATE_VCPU: %s", strerror(errno));
    v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
    if (v->run == MAP_FAILED)
        FAIL("cannot map the vCPU run area: %s", strerror(errno));
    struct kvm_cpuid2 *cpuid = supported_cpuid(vm->kvm_fd);
    if (!cpuid || ioctl(v->fd, KVM_SET_CPUID2, cpuid) < 0)
        FAIL("cannot set the vCPU's CPUID: %s", strerror(errno));
    if (setup_doorbell(v, err, errlen) < 0)
        return -1;
    if (vm->nvcpus < id + 1)
        vm->nvcpus = id + 1;
    __atomic_store_n(&v->live, 1, __ATOMIC_RELEASE);
    return 0;
}

/* KVM's cost of a memory slot grows with its size (0.7 ms per GB on a PVM
 * host: its page bookkeeping is allocated and cleared), and a start or a
 * fork pays it for every slot of the new VM.  So a VM gets the memory it
 * uses, not all it may use: slots of SLOT_MIN at first, then each as large
 * as all before it, as the guest asks (HC_VM_GROW) or touches (vcpu_loop.c). */
#define SLOT_MIN (32ull << 20)

static int add_slot(struct vm *vm, uint64_t gpa, uint64_t size, uint8_t *host)
{
    struct kvm_userspace_memory_region r = { .slot = vm->nslots, .guest_phys_addr = gpa, .memory_size = size,
                                             .userspace_addr = (uint64_t)host };
    if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
        return -errno;
    vm->nslots++;
    return 0;
}

/* [base, base + *ready) is in slots: makes it reach end (at least want bytes). */
static int grow(struct vm *vm, uint64_t base, uint8_t *host, uint64_t size, uint64_t *ready, uint64_t want)
{
    while (*ready < want) {
        uint64_t add = *ready > SLOT_MIN ? *ready : SLOT_MIN;
        if (add > size - *ready)
            add = size - *ready;
        int r = add_slot(vm, base + *ready, add, host + *ready);
        if (r < 0)
            return r;
        *ready += add;
    }
    return 0;
}

/* The PAL server and a vCPU thread (vcpu_loop.c) may both grow it. */
static pthread_mutex_t grow_lock = PTHREAD_MUTEX_INITIALIZER;

int64_t vm_grow(struct vm *vm, uint64_t end)
{
    int64_t r = -EINVAL;
    pthread_mutex_lock(&grow_lock);
    if (end <= vm->ram_size) {
        r = grow(vm, 0, vm->ram, vm->ram_size, &vm->ram_ready, end);
        r = r < 0 ? r : (int64_t)vm->ram_ready;
    } else if (end > GPA_SHARED && end - GPA_SHARED <= vm->shared_size) {
        r = grow(vm, GPA_SHARED, vm->shared, vm->shared_size, &vm->shared_ready, end - GPA_SHARED);
        r = r < 0 ? r : (int64_t)(GPA_SHARED + vm->shared_ready);
    }
    pthread_mutex_unlock(&grow_lock);
    return r;
}

int vm_attach(struct vm *vm, unsigned id, char *err, size_t errlen)
{
    vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0)
        FAIL("KVM_CREATE_VM: %s", strerror(errno));
    /* A fork's child starts with one thread: nobody holds the lock. */
    grow_lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
    /* What the VM had before a fork, in one slot each; at boot, the first slots. */
    uint64_t ram = vm->ram_ready, shared = vm->shared_ready;
    vm->nslots = 0;
    vm->ram_ready = vm->shared_ready = 0;
    int r = grow(vm, 0, vm->ram, vm->ram_size, &vm->ram_ready, ram ? ram : SLOT_MIN < vm->ram_size ? SLOT_MIN : vm->ram_size);
    if (r == 0)
        r = grow(vm, GPA_SHARED, vm->shared, vm->shared_size, &vm->shared_ready,
                 shared ? shared : SLOT_MIN < vm->shared_size ? SLOT_MIN : vm->shared_size);
    if (r < 0)
        FAIL("KVM_SET_USER_MEMORY_REGION: %s", strerror(-r));
    int run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size <= 0)
        FAIL("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
    vm->run_size = run_size;
    if (setup_eventfds(vm, err, errlen) < 0 || vm_add_vcpu(vm, id, err, errlen) < 0)
        return -1;
    int khz = ioctl(vm->vcpu[id].fd, KVM_GET_TSC_KHZ, 0);
    vm->tsc_khz = khz > 0 ? (uint64_t)khz : 1000000;
    return 0;
}

void vm_detach(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpu[i];
        if (v->fd <= 0)
            continue;
        munmap(v->run, vm->run_size);
        close(v->fd);
        close(v->doorbell_fd);
        v->fd = -1;
        v->live = 0;
    }
    vm->nvcpus = 0;
    close(vm->vm_fd);
    close(vm->wakeup_fd);
    close(vm->news_fd);
}

int vm_create(struct vm *vm, const struct pv_config *cfg, char *err, size_t errlen)
{
    vm->host_is_pvm = host_is_pvm();
    vm->ram_size = cfg->memory_size;
    vm->shared_size = cfg->shared_memory_size;
    if (vm->ram_size < GUEST_RAM_MIN || vm->ram_size > GUEST_RAM_MAX || vm->ram_size % GUEST_HUGE_SIZE)
        FAIL("picovm.memory_size must be a multiple of 2M between 32M and 64G");
    if (vm->shared_size < SHARED_MIN || vm->shared_size > SHARED_MAX || vm->shared_size % GUEST_HUGE_SIZE)
        FAIL("picovm.shared_memory_size must be a multiple of 2M between 2M and 64G");
    vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (vm->kvm_fd < 0)
        FAIL("cannot open /dev/kvm: %s", strerror(errno));
    if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
        FAIL("unsupported KVM API version");
    /* Private, so that a fork() of the monitor copies it on write. */
    vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (vm->ram == MAP_FAILED)
        FAIL("cannot reserve %llu bytes of guest memory", (unsigned long long)vm->ram_size);
    /* Shared, so that every picoprocess forked from this one maps the same pages. */
    int shm = memfd_create("picovm-shared", MFD_CLOEXEC);
    if (shm < 0 || ftruncate(shm, (off_t)vm->shared_size) < 0)
        FAIL("cannot make %llu bytes of shared memory: %s", (unsigned long long)vm->shared_size, strerror(errno));
    vm->shared = mmap(NULL, vm->shared_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, shm, 0);
    close(shm);
    if (vm->shared == MAP_FAILED)
        FAIL("cannot map %llu bytes of shared memory", (unsigned long long)vm->shared_size);
    if (load_image(vm, err, errlen) < 0)
        return -1;
    x86_build_page_tables(vm);
    x86_build_descriptor_tables(vm);
    if (vm_attach(vm, 0, err, errlen) < 0)
        return -1;
    return x86_vcpu_init(&vm->vcpu[0], supported_cpuid(vm->kvm_fd), err, errlen);
}
