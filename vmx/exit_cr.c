/* Control-register access exits (SDM 28.2.1 Table 28-3). With the masks
 * Bulwark sets, only MOV to CR0/CR4 and LMSW that change an owned bit exit. */
#include "hv/x86.h"
#include "vmx/diag.h"
#include "vmx/exit.h"
#include "vmx/guest_cr.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

static uint64_t read_gpr(struct cpu *c, unsigned n)
{
    return n == REG_RSP ? vmread(GUEST_RSP) : c->regs.gpr[n];
}

void exit_cr_access(struct cpu *c, uint64_t q)
{
    unsigned cr = CR_QUAL_NUMBER(q);
    bool ok;
    switch (CR_QUAL_ACCESS_TYPE(q)) {
    case CR_ACCESS_MOV_TO_CR:
        if (cr == 0)
            ok = guest_cr0_write(c, read_gpr(c, CR_QUAL_GPR(q)));
        else if (cr == 4)
            ok = guest_cr4_write(c, read_gpr(c, CR_QUAL_GPR(q)));
        else
            vmx_unexpected_exit(c, "MOV to a control register Bulwark does not intercept");
        break;
    case CR_ACCESS_LMSW: {
        /* LMSW loads CR0[3:0] but can set, never clear, PE (SDM Vol 2A LMSW). */
        uint64_t old = guest_cr0_view(), src = CR_QUAL_LMSW_DATA(q) & 0xF;
        ok = guest_cr0_write(c, (old & ~0xEull) | src | (old & CR0_PE));
        break;
    }
    case CR_ACCESS_CLTS:
        ok = guest_cr0_write(c, guest_cr0_view() & ~(1ull << 3));
        break;
    default:
        vmx_unexpected_exit(c, "MOV from a control register Bulwark does not intercept");
    }
    if (ok)
        guest_skip_instruction();
    else
        guest_inject_gp0();
}
