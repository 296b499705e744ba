/* LDTR/TR access exits (exit reason 47, descriptor-table exiting): LLDT,
 * LTR, SLDT and STR are emulated (SDM Vol 2A "LLDT", "LTR", Vol 2B "SLDT",
 * "STR"). LLDT/LTR read the selected system descriptor from the guest's
 * GDT — 16 bytes in IA-32e mode (Vol 3A 7.2.3, 8.2.3) — check it and load
 * the register's hidden part; LTR marks the TSS descriptor busy in memory. */
#include "hv/x86.h"
#include "vmx/dt_info.h"
#include "vmx/exit.h"
#include "vmx/guest_insn.h"
#include "vmx/guest_operand.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

#define DESC_S (1ull << 44)
#define DESC_P (1ull << 47)
#define DESC_G (1ull << 55)
#define TYPE_LDT 2
#define TYPE_TSS16_AVAIL 1
#define TYPE_TSS_AVAIL 9
#define TYPE_BUSY 2         /* busy bit of a TSS type */

/* #GP/#NP with the selector as error code (index and TI; SDM Vol 3A 6.13). */
static int sel_fault(unsigned vector, uint16_t sel, struct guest_fault *f)
{
    *f = (struct guest_fault){ .vector = (uint8_t)vector, .error_code = sel & 0xFFFCu };
    return -1;
}

/* Base of a system descriptor; d[1] is zero outside IA-32e mode. */
static uint64_t desc_base(const uint64_t d[2])
{
    return (d[0] >> 16 & 0xFFFFFF) | (d[0] >> 32 & 0xFF000000) | (uint64_t)(uint32_t)d[1] << 32;
}

/* The system descriptor `sel` selects in the GDT (implicit supervisor
 * read), checked for `type` (type2 is also accepted outside IA-32e mode),
 * S = 0, present, and in IA-32e mode the upper half's type field clear
 * and a canonical base. *la is the descriptor's linear address. */
static int read_system_desc(uint16_t sel, unsigned type, unsigned type2, uint64_t d[2], uint64_t *la,
                            struct guest_fault *f)
{
    bool ia32e = vmread(GUEST_IA32_EFER) & EFER_LMA;
    unsigned size = ia32e ? 16 : 8, off = sel & ~7u;
    if ((sel & 4) || off + size - 1 > vmread(GUEST_GDTR_LIMIT))
        return sel_fault(13, sel, f);
    *la = vmread(GUEST_GDTR_BASE) + off;
    if (!ia32e)
        *la &= 0xFFFFFFFF;
    d[1] = 0;
    if (guest_operand_read(*la, d, size, 0, f))
        return -1;
    unsigned t = (d[0] >> 40) & 0xF;
    if ((d[0] & DESC_S) || !(t == type || (!ia32e && t == type2)) ||
        (ia32e && (((d[1] >> 40) & 0x1F) || !guest_canonical(desc_base(d)))))
        return sel_fault(13, sel, f);
    if (!(d[0] & DESC_P))
        return sel_fault(11, sel, f);
    return 0;
}

/* Hidden part of LDTR or TR from a checked descriptor (VMCS access-rights
 * format: descriptor bits 47:40 and 55:52, SDM Vol 3C 24.4.1). */
static void load_hidden(bool tr, uint16_t sel, const uint64_t d[2], unsigned set_type)
{
    uint32_t limit = (uint32_t)((d[0] & 0xFFFF) | (d[0] >> 32 & 0xF0000));
    if (d[0] & DESC_G)
        limit = limit << 12 | 0xFFF;
    vmwrite(tr ? GUEST_TR_SELECTOR : GUEST_LDTR_SELECTOR, sel);
    vmwrite(tr ? GUEST_TR_BASE : GUEST_LDTR_BASE, desc_base(d));
    vmwrite(tr ? GUEST_TR_LIMIT : GUEST_LDTR_LIMIT, limit);
    vmwrite(tr ? GUEST_TR_AR_BYTES : GUEST_LDTR_AR_BYTES, ((d[0] >> 40) & 0xFF) | ((d[0] >> 52) & 0xF) << 12 | set_type);
}

/* LLDT: a null selector leaves LDTR unusable. */
static int lldt(uint16_t sel, struct guest_fault *f)
{
    uint64_t d[2], la;
    if (!(sel & 0xFFFC)) {
        vmwrite(GUEST_LDTR_SELECTOR, sel);
        vmwrite(GUEST_LDTR_AR_BYTES, AR_UNUSABLE);
        return 0;
    }
    if (read_system_desc(sel, TYPE_LDT, TYPE_LDT, d, &la, f))
        return -1;
    load_hidden(false, sel, d, 0);
    return 0;
}

/* LTR: an available TSS, marked busy in the GDT (a write the EPT
 * protection of the GDT judges) before TR is loaded. Returns 1 when the
 * policy refused the busy-bit write: nothing is loaded. */
static int ltr(struct cpu *c, uint16_t sel, struct guest_fault *f)
{
    uint64_t d[2], la;
    if (!(sel & 0xFFFC)) {
        *f = (struct guest_fault){ .vector = 13 };
        return -1;
    }
    if (read_system_desc(sel, TYPE_TSS_AVAIL, TYPE_TSS16_AVAIL, d, &la, f))
        return -1;
    uint8_t access = (uint8_t)(d[0] >> 40 | TYPE_BUSY);
    int rc = guest_operand_write(c, la + 5, &access, 1, 0, f);
    if (rc == 0)
        load_hidden(true, sel, d, TYPE_BUSY);
    return rc;
}

/* SLDT/STR to a register: 16-bit operand size writes bits 15:0, larger
 * ones zero-extend the selector (SDM Vol 2B STR). The instruction-
 * information field has no operand size, so it comes from decoding; an
 * instruction that cannot be decoded is treated as 32-bit. */
static void store_reg(struct cpu *c, unsigned reg, uint16_t sel)
{
    struct guest_insn gi;
    uint64_t v = sel;
    if (guest_insn_current(&gi) == 0 && gi.insn.operand_size == 2)
        v |= guest_gpr(c, reg) & ~0xFFFFull;
    guest_set_gpr(c, reg, v);
}

void exit_ldtr_tr(struct cpu *c, uint64_t q)
{
    struct dt_operand op;
    enum cpu_mode mode;
    if (guest_dt_operand(c, q, true, &op, &mode))
        return;
    bool is_load = dt_is_load(op.insn), tr = op.insn == DT_STR || op.insn == DT_LTR;
    struct guest_fault f;
    uint64_t la = 0;
    uint16_t sel = (uint16_t)vmread(tr ? GUEST_TR_SELECTOR : GUEST_LDTR_SELECTOR);
    int rc = 0;
    if (!op.is_reg && guest_operand_linear(mode, op.seg, op.offset, 2, !is_load, &la, &f))
        rc = -1;
    else if (!is_load && op.is_reg)
        store_reg(c, op.reg, sel);
    else if (!is_load)
        rc = guest_operand_write(c, la, &sel, 2, guest_explicit_access(), &f);
    else if (op.is_reg)
        sel = (uint16_t)guest_gpr(c, op.reg);
    else
        rc = guest_operand_read(la, &sel, 2, guest_explicit_access(), &f);
    if (rc == 0 && is_load)
        rc = tr ? ltr(c, sel, &f) : lldt(sel, &f);
    if (rc < 0)
        guest_inject_fault(&f);
    else
        guest_skip_instruction();
}
