/* The end of a single-stepped write to a shared page (hv/enforce_step.c):
 * the monitor-trap-flag exit after the instruction, or the VMX-preemption
 * timer that stands in when the MTF exit does not come. */
#include "hv/enforce_step.h"
#include "vmx/diag.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

void exit_monitor_trap(struct cpu *c, uint64_t q)
{
    (void)q;
    if (!c->stepping)
        vmx_unexpected_exit(c, "single-step exit with no step in progress");
    bool early = vmread(VM_EXIT_REASON) == EXIT_REASON_PREEMPTION_TIMER && vmread(GUEST_RIP) == c->step_rip &&
                 !(vmread(IDT_VECTORING_INFO) & INTR_INFO_VALID);
    c->step_timer = early ? MIN(MAX(c->step_timer, 2u) * 2, 1u << 20) : 2;
    enforce_mem_step_done(c);
}
