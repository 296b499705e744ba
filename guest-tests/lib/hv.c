/* VMCALL per the guest ABI (docs/CONVENTIONS-dev.md). */
#include "lib.h"

int vmcall(struct vmcall_regs *r)
{
    return TRAP_TRY("vmcall", : "+a"(r->ax), "+b"(r->bx), "+c"(r->cx), "+d"(r->dx));
}

bool hv_present(void)
{
    struct vmcall_regs r = { VMCALL_PING, 0, 0, 0 };
    return vmcall(&r) < 0 && r.ax == 0 && r.bx == VMCALL_PING_MAGIC;
}
