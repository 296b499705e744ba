/* CPUID exits unconditionally (SDM 26.1.2). The guest sees the real CPU
 * with VMX hidden, and OSXSAVE reflecting its own CR4. */
#include "hv/x86.h"
#include "vmx/exit.h"
#include "vmx/guest_cr.h"

#define CPUID1_ECX_VMX     (1u << 5)
#define CPUID1_ECX_OSXSAVE (1u << 27)

void exit_cpuid(struct cpu *c, uint64_t q)
{
    (void)q;
    uint64_t *r = c->regs.gpr;
    uint32_t leaf = (uint32_t)r[REG_RAX], sub = (uint32_t)r[REG_RCX];
    struct cpuid_regs v = cpuid(leaf, sub);
    if (leaf == 1) {
        v.ecx &= ~CPUID1_ECX_VMX;
        v.ecx &= ~CPUID1_ECX_OSXSAVE;
        if (guest_cr4_view() & CR4_OSXSAVE)
            v.ecx |= CPUID1_ECX_OSXSAVE;
    }
    r[REG_RAX] = v.eax;
    r[REG_RBX] = v.ebx;
    r[REG_RCX] = v.ecx;
    r[REG_RDX] = v.edx;
    guest_skip_instruction();
}
