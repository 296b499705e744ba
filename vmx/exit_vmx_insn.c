/* VMX instructions (and GETSEC) executed by the guest always exit; VMX is
 * hidden, so they behave as on a CPU without VMX: #UD. */
#include "vmx/exit.h"

void exit_vmx_instruction(struct cpu *c, uint64_t q)
{
    (void)c;
    (void)q;
    guest_inject_ud();
}
