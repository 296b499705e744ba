/* INIT and start-up IPIs the guest sends to its own CPUs. In VMX non-root
 * operation INIT always exits and SIPI exits in the wait-for-SIPI state
 * (SDM 25.2); the hypervisor then performs what the signal would have done
 * to a bare processor. */
#include "hv/enforce_mem.h"
#include "hv/x86.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"
#include "vmx/exit.h"
#include "vmx/guest_reset.h"

#define MSR_IA32_APIC_BASE 0x1B
#define APIC_BASE_BSP      (1ull << 8)

void exit_init(struct cpu *c, uint64_t q)
{
    (void)q;
    /* The wait-for-SIPI state holds INIT back (SDM 25.2), so the INIT of
     * the guest's INIT-SIPI-SIPI arrives right after the SIPI started the
     * CPU, before its first instruction. On a bare processor that INIT
     * came first and the SIPI then started it: keep it running. */
    bool held_back = c->sipi_fresh && vmread(GUEST_RIP) == 0 && vmread(GUEST_CS_BASE) == c->sipi_base;
    c->sipi_fresh = false;
    if (held_back) {
        /* Outside SMM there is no blocking by SMI; Bochs saves it set on
         * this exit, and VM entry rejects it (26.3.1.5). */
        vmwrite(GUEST_INTERRUPTIBILITY_INFO, vmread(GUEST_INTERRUPTIBILITY_INFO) & ~(uint64_t)INTERRUPTIBILITY_SMI);
        return;
    }
    if (c->stepping)   /* a single-stepped write never completes: protect the page again */
        enforce_mem_step_done(c);
    guest_reset_init_state(c, rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_BSP);
}

void exit_sipi(struct cpu *c, uint64_t q)
{
    guest_reset_sipi(c, (uint8_t)q);   /* qualification bits 7:0: the vector (Table 28-1) */
}
