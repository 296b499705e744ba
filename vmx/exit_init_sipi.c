/* INIT and start-up IPIs the guest sends to its own CPUs. In VMX non-root
 * operation INIT exits and SIPI exits in the wait-for-SIPI state (SDM
 * 25.2); the hypervisor then does what the signal does to a bare
 * processor. Most INITs never get here: hv/guest_ipi.c performs them at
 * the sender. */
#include "hv/enforce_dt.h"
#include "hv/enforce_step.h"
#include "hv/lapic.h"
#include "hv/x86.h"
#include "vmx/exit.h"
#include "vmx/guest_reset.h"

void guest_init_signal(struct cpu *c)
{
    if (c->stepping)   /* a single-stepped write never completes: protect the page again */
        enforce_mem_step_done(c);
    enforce_dt_cpu_reset(c);
    guest_reset_init_state(c, rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_BSP);
}

void exit_init(struct cpu *c, uint64_t q)
{
    (void)q;
    guest_init_signal(c);
}

void exit_sipi(struct cpu *c, uint64_t q)
{
    guest_reset_sipi(c, (uint8_t)q);   /* qualification bits 7:0: the vector (Table 28-1) */
    host_nmi_unblock();   /* the hypervisor's kicks must reach this CPU */
}
