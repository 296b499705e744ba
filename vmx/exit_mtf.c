/* The end of a single-stepped write to a shared page (hv/enforce_step.c):
 * the monitor-trap-flag exit after the instruction, or the VMX-preemption
 * timer that stands in when the MTF exit does not come. */
#include "hv/enforce_step.h"
#include "vmx/diag.h"
#include "vmx/exit.h"

void exit_monitor_trap(struct cpu *c, uint64_t q)
{
    (void)q;
    if (!c->stepping)
        vmx_unexpected_exit(c, "single-step exit with no step in progress");
    enforce_mem_step_done(c);
}
