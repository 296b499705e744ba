#include "hv/hypercall.h"
#include "hv/mm.h"

void hypercall_dispatch(struct cpu *c)
{
    uint64_t *r = c->regs.gpr;
    switch (r[REG_RAX]) {
    case HC_PING:
        r[REG_RBX] = HC_PING_MAGIC;
        break;
    case HC_INFO:
        r[REG_RBX] = hv_reserved_base();
        r[REG_RCX] = hv_reserved_size();
        r[REG_RDX] = HC_ABI_VERSION;
        break;
    default:
        r[REG_RAX] = HC_ENOSYS;
        return;
    }
    r[REG_RAX] = HC_OK;
}
