/* Monitor-trap-flag exit: the single-stepped write to a shared page
 * (hv/enforce_mem.c) has completed. */
#include "hv/enforce_step.h"
#include "vmx/diag.h"
#include "vmx/exit.h"

void exit_monitor_trap(struct cpu *c, uint64_t q)
{
    (void)q;
    if (!c->stepping)
        vmx_unexpected_exit(c, "monitor trap flag exit with no step in progress");
    enforce_mem_step_done(c);
}
