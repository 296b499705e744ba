/* A guest triple fault ends the run (it would reset a bare machine). */
#include "hv/log.h"
#include "hv/run_end.h"
#include "vmx/diag.h"
#include "vmx/exit.h"

void exit_triple_fault(struct cpu *c, uint64_t q)
{
    (void)q;
    hv_log("guest triple fault on cpu %u", c->index);
    vmx_dump_guest_state();
    run_end_triple_fault();
}
