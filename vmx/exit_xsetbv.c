/* XSETBV exits unconditionally (SDM 26.1.2). The hypervisor performs it
 * after the architectural checks (SDM Vol 2D XSETBV "Protected Mode
 * Exceptions" and 13.3), so an invalid XCR0 faults the guest, not the host. */
#include "hv/x86.h"
#include "vmx/exit.h"
#include "vmx/guest_cr.h"

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_BNDREG (1ull << 3)
#define XCR0_BNDCSR (1ull << 4)
#define XCR0_AVX512 (7ull << 5)

static bool xcr0_valid(uint64_t v)
{
    struct cpuid_regs d = cpuid(0xD, 0);
    uint64_t supported = ((uint64_t)d.edx << 32) | d.eax;
    if ((v & ~supported) || !(v & XCR0_X87))
        return false;
    if ((v & XCR0_AVX) && !(v & XCR0_SSE))
        return false;
    if (!!(v & XCR0_BNDREG) != !!(v & XCR0_BNDCSR))
        return false;
    if ((v & XCR0_AVX512) && ((v & XCR0_AVX512) != XCR0_AVX512 || !(v & XCR0_AVX)))
        return false;
    return true;
}

void exit_xsetbv(struct cpu *c, uint64_t q)
{
    (void)q;
    uint64_t *r = c->regs.gpr;
    if (!(guest_cr4_view() & CR4_OSXSAVE)) {
        guest_inject_ud();
        return;
    }
    uint64_t v = ((r[REG_RDX] & 0xFFFFFFFF) << 32) | (r[REG_RAX] & 0xFFFFFFFF);
    if (guest_cpl() != 0 || (uint32_t)r[REG_RCX] != 0 || !xcr0_valid(v)) {
        guest_inject_gp0();
        return;
    }
    __asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
    guest_skip_instruction();
}
