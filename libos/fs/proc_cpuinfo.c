/* /proc/cpuinfo, from what the CPUID instruction says here (the monitor's
 * view of the CPU, as KVM gives it), with Linux's field names and flag names
 * (arch/x86/include/asm/cpufeatures.h) in Linux's order of feature words.
 * The picoprocess has one CPU. */
#include "fs/proc_sys.h"

struct regs { uint32_t a, b, c, d; };

static struct regs cpuid(uint32_t leaf, uint32_t sub)
{
    struct regs r;
    __asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(sub));
    return r;
}

typedef const char *const flag_names[32];

static flag_names leaf1_edx = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep", "mtrr", "pge", "mca",
    "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht",
    "tm", "ia64", "pbe",
};
/* Only what leaf 1 does not already say. */
static flag_names ext1_edx = {
    [11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext", [25] = "fxsr_opt", [26] = "pdpe1gb",
    [27] = "rdtscp", [29] = "lm", [30] = "3dnowext", [31] = "3dnow",
};
/* OSXSAVE (bit 27) is not shown by Linux. */
static flag_names leaf1_ecx = {
    "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3", "cid", "sdbg",
    "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt",
    "tsc_deadline_timer", "aes", "xsave", NULL, "avx", "f16c", "rdrand", "hypervisor",
};
static flag_names ext1_ecx = {
    "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a", "misalignsse", "3dnowprefetch",
    "osvw", "ibs", "xop", "skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid_msr", NULL, "tbm",
    "topoext", "perfctr_core", "perfctr_nb", NULL, "bpext", "ptsc", "perfctr_llc", "mwaitx",
};
static flag_names leaf7_ebx = {
    "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep", "bmi2", "erms", "invpcid", "rtm",
    "cqm", NULL, "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma", NULL,
    "clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw", "avx512vl",
};
static flag_names leafd1_eax = { "xsaveopt", "xsavec", "xgetbv1", "xsaves" };
static flag_names leaf71_eax = { [4] = "avx_vnni", [5] = "avx512_bf16" };
static flag_names leaf7_ecx = {
    [1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke", [5] = "waitpkg", [6] = "avx512_vbmi2",
    [8] = "gfni", [9] = "vaes", [10] = "vpclmulqdq", [11] = "avx512_vnni", [12] = "avx512_bitalg",
    [13] = "tme", [14] = "avx512_vpopcntdq", [16] = "la57", [22] = "rdpid", [24] = "bus_lock_detect",
    [25] = "cldemote", [27] = "movdiri", [28] = "movdir64b", [29] = "enqcmd", [30] = "sgx_lc",
};
static flag_names leaf7_edx = {
    [2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm", [8] = "avx512_vp2intersect",
    [10] = "md_clear", [14] = "serialize", [16] = "tsxldtrk", [18] = "pconfig", [19] = "arch_lbr",
    [20] = "ibt", [22] = "amx_bf16", [23] = "avx512_fp16", [24] = "amx_tile", [25] = "amx_int8",
    [28] = "flush_l1d", [29] = "arch_capabilities",
};

static void put_flags(struct text *t, flag_names names, uint32_t bits)
{
    for (int i = 0; i < 32; i++)
        if ((bits >> i & 1) && names[i])
            text_printf(t, " %s", names[i]);
}

/* The brand string of leaves 0x80000002-4, without Linux's trimmed blanks. */
static void model_name(char name[49], uint32_t max_ext)
{
    memset(name, 0, 49);
    if (max_ext < 0x80000004)
        return;
    for (uint32_t i = 0; i < 3; i++) {
        struct regs r = cpuid(0x80000002 + i, 0);
        memcpy(name + 16 * i, &r, 16);
    }
    size_t skip = 0;
    while (name[skip] == ' ')
        skip++;
    memmove(name, name + skip, 49 - skip);
    for (size_t n = strlen(name); n && name[n - 1] == ' '; n--)
        name[n - 1] = 0;
}

void cpuinfo_text(struct text *t)
{
    struct regs r0 = cpuid(0, 0), r1 = cpuid(1, 0);
    uint32_t max_ext = cpuid(0x80000000, 0).a;
    char vendor[13];
    memcpy(vendor, &r0.b, 4);
    memcpy(vendor + 4, &r0.d, 4);
    memcpy(vendor + 8, &r0.c, 4);
    vendor[12] = 0;
    unsigned int family = r1.a >> 8 & 0xf, model = r1.a >> 4 & 0xf;
    if (family == 0xf)
        family += r1.a >> 20 & 0xff;
    if (family >= 6)
        model |= (r1.a >> 16 & 0xf) << 4;
    char name[49];
    model_name(name, max_ext);
    unsigned int apic = r1.b >> 24, clflush = (r1.b >> 8 & 0xff) * 8;
    /* Linux's word for a CPU without a brand string (KVM may hide it). */
    text_printf(t, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\n"
                   "stepping\t: %u\n", vendor, family, model, name[0] ? name : "unknown", r1.a & 0xf);
    uint64_t khz = pal_state->tsc_khz;
    if (khz)
        text_printf(t, "cpu MHz\t\t: %lu.%03lu\n", (unsigned long)(khz / 1000), (unsigned long)(khz % 1000));
    if (max_ext >= 0x80000006 && cpuid(0x80000006, 0).c >> 16)
        text_printf(t, "cache size\t: %u KB\n", cpuid(0x80000006, 0).c >> 16);
    text_printf(t, "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: %u\n"
                   "initial apicid\t: %u\nfpu\t\t: %s\nfpu_exception\t: %s\ncpuid level\t: %u\nwp\t\t: yes\nflags\t\t:",
                apic, apic, r1.d & 1 ? "yes" : "no", r1.d & 1 ? "yes" : "no", r0.a);
    /* Linux's feature words 0, 1, 4, 6, 9, 10, 12, 16, 18. */
    struct regs e1 = max_ext >= 0x80000001 ? cpuid(0x80000001, 0) : (struct regs){ 0 };
    struct regs l7 = r0.a >= 7 ? cpuid(7, 0) : (struct regs){ 0 };
    uint32_t l71 = l7.a >= 1 ? cpuid(7, 1).a : 0, ld1 = r0.a >= 0xd ? cpuid(0xd, 1).a : 0;
    put_flags(t, leaf1_edx, r1.d);
    put_flags(t, ext1_edx, e1.d);
    put_flags(t, leaf1_ecx, r1.c);
    put_flags(t, ext1_ecx, e1.c);
    put_flags(t, leaf7_ebx, l7.b);
    put_flags(t, leafd1_eax, ld1);
    put_flags(t, leaf71_eax, l71);
    put_flags(t, leaf7_ecx, l7.c);
    put_flags(t, leaf7_edx, l7.d);
    /* The CPU's known flaws are the host kernel's to judge: none listed. */
    text_printf(t, "\nbugs\t\t:\n");
    /* Linux's calibrated delay loop runs at twice the clock on x86. */
    if (khz)
        text_printf(t, "bogomips\t: %lu.%02lu\n", (unsigned long)(khz / 500), (unsigned long)(khz / 5 % 100));
    text_printf(t, "clflush size\t: %u\ncache_alignment\t: %u\n", clflush, clflush);
    if (max_ext >= 0x80000008) {
        uint32_t a = cpuid(0x80000008, 0).a;
        text_printf(t, "address sizes\t: %u bits physical, %u bits virtual\n", a & 0xff, a >> 8 & 0xff);
    }
    text_printf(t, "power management:\n\n");
}
