/* Thin wrappers over x86 instructions the hypervisor uses (not VMX). */
#ifndef BULWARK_X86_H
#define BULWARK_X86_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

#define DEFINE_CR_ACCESS(n)                                                 \
    static inline uint64_t read_cr##n(void)                                 \
    {                                                                       \
        uint64_t v;                                                         \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                   \
        return v;                                                           \
    }                                                                       \
    static inline void write_cr##n(uint64_t v) { __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory"); }
DEFINE_CR_ACCESS(0)
DEFINE_CR_ACCESS(2)
DEFINE_CR_ACCESS(3)
DEFINE_CR_ACCESS(4)
#undef DEFINE_CR_ACCESS

static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

static inline void cpu_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

static inline void cpu_relax(void) { __asm__ volatile("pause"); }

struct __attribute__((packed)) desc_ptr {
    uint16_t limit;
    uint64_t base;
};

/* Architectural MSRs (SDM Vol 4, table 2-2). */
#define MSR_IA32_APIC_BASE         0x01B
#define MSR_IA32_FEATURE_CONTROL   0x03A
#define MSR_IA32_SYSENTER_CS       0x174
#define MSR_IA32_SYSENTER_ESP      0x175
#define MSR_IA32_SYSENTER_EIP      0x176
#define MSR_IA32_DEBUGCTL          0x1D9
#define MSR_IA32_PAT               0x277
#define MSR_IA32_VMX_BASIC         0x480
#define MSR_IA32_VMX_MISC          0x485
#define MSR_IA32_VMX_CR0_FIXED0    0x486
#define MSR_IA32_VMX_CR0_FIXED1    0x487
#define MSR_IA32_VMX_CR4_FIXED0    0x488
#define MSR_IA32_VMX_CR4_FIXED1    0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48B
#define MSR_IA32_VMX_EPT_VPID_CAP  0x48C
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS  0x48D
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48E
#define MSR_IA32_VMX_TRUE_EXIT_CTLS      0x48F
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS     0x490
#define MSR_IA32_VMX_VMFUNC        0x491
#define MSR_IA32_EFER              0xC0000080
#define MSR_IA32_STAR              0xC0000081
#define MSR_IA32_LSTAR             0xC0000082
#define MSR_IA32_CSTAR             0xC0000083
#define MSR_IA32_FMASK             0xC0000084
#define MSR_IA32_FS_BASE           0xC0000100
#define MSR_IA32_GS_BASE           0xC0000101
#define MSR_IA32_KERNEL_GS_BASE    0xC0000102

#define FEATURE_CONTROL_LOCK          (1u << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1u << 2)

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_UMIP (1ull << 11)
#define CR4_LA57 (1ull << 12)
#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define RFLAGS_FIXED (1ull << 1)
#define RFLAGS_CF (1ull << 0)
#define RFLAGS_TF (1ull << 8)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_ZF (1ull << 6)
#define RFLAGS_VM (1ull << 17)
#define RFLAGS_AC (1ull << 18)

#endif
