/* Control-register access exits (SDM 28.2.1 Table 28-3). With the masks
 * Bulwark sets, only MOV to CR0/CR4, LMSW and CLTS that change an owned
 * bit exit: bits the VMX fixed-bit MSRs force and bits the policy pins.
 * The policy judges the new value first (hv/enforce_regs.c); a refused
 * write is skipped and leaves the register as it was. */
#include "hv/enforce.h"
#include "hv/x86.h"
#include "vmx/diag.h"
#include "vmx/exit.h"
#include "vmx/guest_cr.h"
#include "vmx/guest_operand.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

static void write_cr(struct cpu *c, unsigned cr, uint64_t value)
{
    uint64_t old = cr == 0 ? guest_cr0_view() : guest_cr4_view(), keep_set;
    if (!enforce_cr_write(c, cr, old, value, &keep_set)) {
        guest_skip_instruction();
        return;
    }
    if (cr == 0 ? guest_cr0_write(value, keep_set) : guest_cr4_write(value, keep_set))
        guest_skip_instruction();
    else
        guest_inject_gp0();
}

void exit_cr_access(struct cpu *c, uint64_t q)
{
    unsigned cr = CR_QUAL_NUMBER(q);
    uint64_t cr0 = guest_cr0_view();
    switch (CR_QUAL_ACCESS_TYPE(q)) {
    case CR_ACCESS_MOV_TO_CR:
        if (cr != 0 && cr != 4)
            vmx_unexpected_exit(c, "MOV to a control register Bulwark does not intercept");
        write_cr(c, cr, guest_gpr(c, CR_QUAL_GPR(q)));
        break;
    case CR_ACCESS_LMSW:
        /* LMSW loads CR0[3:0] but can set, never clear, PE (SDM Vol 2A LMSW). */
        write_cr(c, 0, (cr0 & ~0xEull) | (CR_QUAL_LMSW_DATA(q) & 0xF) | (cr0 & CR0_PE));
        break;
    case CR_ACCESS_CLTS:
        write_cr(c, 0, cr0 & ~(1ull << 3));
        break;
    default:
        vmx_unexpected_exit(c, "MOV from a control register Bulwark does not intercept");
    }
}
