/* INIT and start-up IPIs the guest sends to its own CPUs. In VMX non-root
 * operation INIT always exits and SIPI exits in the wait-for-SIPI state
 * (SDM 25.2); the hypervisor then performs what the signal would have done
 * to a bare processor. */
#include "hv/enforce_mem.h"
#include "hv/x86.h"
#include "vmx/exit.h"
#include "vmx/guest_reset.h"

#define MSR_IA32_APIC_BASE 0x1B
#define APIC_BASE_BSP      (1ull << 8)

void exit_init(struct cpu *c, uint64_t q)
{
    (void)q;
    if (c->stepping)   /* a single-stepped write never completes: protect the page again */
        enforce_mem_step_done(c);
    guest_reset_init_state(c, rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_BSP);
}

void exit_sipi(struct cpu *c, uint64_t q)
{
    guest_reset_sipi(c, (uint8_t)q);   /* qualification bits 7:0: the vector (Table 28-1) */
}
