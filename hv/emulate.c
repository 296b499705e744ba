/* Flag rules: SDM Vol 1 3.4.3.1 "Status Flags" and the "Flags Affected"
 * section of each instruction in SDM Vol 2. Flags the SDM leaves undefined
 * are set as Bochs and current Intel processors do: AF cleared by the
 * logical instructions, OF/SF/AF/PF kept by BTS/BTR/BTC. */
#include "hv/emulate.h"

uint64_t emu_mask(unsigned size)
{
    return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

uint64_t emu_merge_reg(uint64_t old, uint64_t v, unsigned size, bool high8)
{
    if (high8)
        return (old & ~0xFF00ull) | (v & 0xFF) << 8;
    if (size == 4)
        return v & 0xFFFFFFFF;
    return (old & ~emu_mask(size)) | (v & emu_mask(size));
}

/* SF, ZF, PF from the result (PF: even parity of its low byte). */
static uint64_t szp(uint64_t r, unsigned size)
{
    uint64_t f = 0;
    if (r >> (8 * size - 1) & 1)
        f |= EMU_SF;
    if (!r)
        f |= EMU_ZF;
    if (!__builtin_parity((unsigned)(r & 0xFF)))
        f |= EMU_PF;
    return f;
}

/* a + b + carry_in, flags per ADD/ADC (SDM Vol 2A "ADD", "ADC"). */
static uint64_t add_flags(uint64_t a, uint64_t b, unsigned cin, unsigned size, uint64_t *r)
{
    uint64_t m = emu_mask(size), top = 1ull << (8 * size - 1);
    *r = (a + b + cin) & m;
    uint64_t f = szp(*r, size);
    if (*r < a || (cin && *r == a))
        f |= EMU_CF;
    if ((a ^ *r) & (b ^ *r) & top)   /* both operands' sign differs from the result's */
        f |= EMU_OF;
    if ((a ^ b ^ *r) & 0x10)         /* carry out of bit 3 */
        f |= EMU_AF;
    return f;
}

/* a - b - borrow_in, flags per SUB/SBB/CMP (SDM Vol 2B "SUB", "SBB"). */
static uint64_t sub_flags(uint64_t a, uint64_t b, unsigned bin, unsigned size, uint64_t *r)
{
    uint64_t m = emu_mask(size), top = 1ull << (8 * size - 1);
    *r = (a - b - bin) & m;
    uint64_t f = szp(*r, size);
    if (a < b || (bin && a == b))
        f |= EMU_CF;
    if ((a ^ b) & (a ^ *r) & top)    /* operand signs differ and the result's sign is b's */
        f |= EMU_OF;
    if ((a ^ b ^ *r) & 0x10)         /* borrow into bit 3 */
        f |= EMU_AF;
    return f;
}

bool emu_is_rmw(enum insn_op op)
{
    return op >= INSN_OP_ADD && op <= INSN_OP_BTC;
}

int emu_rmw(enum insn_op op, unsigned size, uint64_t old, uint64_t src, uint64_t acc, uint64_t rflags,
            struct emu_result *out)
{
    if (!emu_is_rmw(op) || (size != 1 && size != 2 && size != 4 && size != 8))
        return -1;
    uint64_t m = emu_mask(size), r, f, keep = EMU_STATUS_FLAGS;
    unsigned cf = rflags & EMU_CF;
    old &= m, src &= m, acc &= m;
    *out = (struct emu_result){ .reg = EMU_REG_NONE };
    switch (op) {
    case INSN_OP_ADD: f = add_flags(old, src, 0, size, &r); break;
    case INSN_OP_ADC: f = add_flags(old, src, cf, size, &r); break;
    case INSN_OP_SUB: f = sub_flags(old, src, 0, size, &r); break;
    case INSN_OP_SBB: f = sub_flags(old, src, cf, size, &r); break;
    /* AND/OR/XOR: OF and CF cleared, SF/ZF/PF by the result, AF undefined. */
    case INSN_OP_AND: r = old & src, f = szp(r, size); break;
    case INSN_OP_OR: r = old | src, f = szp(r, size); break;
    case INSN_OP_XOR: r = old ^ src, f = szp(r, size); break;
    /* INC/DEC: CF not affected (SDM Vol 2A "INC", "DEC"). */
    case INSN_OP_INC: f = add_flags(old, 1, 0, size, &r), keep &= ~EMU_CF; break;
    case INSN_OP_DEC: f = sub_flags(old, 1, 0, size, &r), keep &= ~EMU_CF; break;
    /* NEG: 0 - DEST; CF = (DEST != 0) follows from the borrow. */
    case INSN_OP_NEG: f = sub_flags(0, old, 0, size, &r); break;
    case INSN_OP_NOT: r = ~old & m, f = 0, keep = 0; break;
    /* XCHG: no flags; the register receives the old memory value. */
    case INSN_OP_XCHG:
        r = src, f = 0, keep = 0;
        out->reg = EMU_REG_SRC, out->reg_value = old;
        break;
    /* XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP; flags of the sum. */
    case INSN_OP_XADD:
        f = add_flags(old, src, 0, size, &r);
        out->reg = EMU_REG_SRC, out->reg_value = old;
        break;
    /* CMPXCHG: flags of CMP accumulator, DEST; equal: DEST = SRC, else the
     * accumulator = DEST and DEST is written back unchanged. */
    case INSN_OP_CMPXCHG: {
        uint64_t diff;
        f = sub_flags(acc, old, 0, size, &diff);
        r = old == acc ? src : old;
        if (old != acc)
            out->reg = EMU_REG_ACC, out->reg_value = old;
        break;
    }
    /* BTS/BTR/BTC with an immediate offset, taken modulo the operand width
     * (SDM Vol 2A "BT": Table 3-2): CF = the old bit, ZF unaffected. */
    default: {
        if (size == 1)
            return -1;
        uint64_t bit = 1ull << (src & (8 * size - 1));
        f = old & bit ? EMU_CF : 0, keep = EMU_CF;
        r = op == INSN_OP_BTS ? old | bit : op == INSN_OP_BTR ? old & ~bit : old ^ bit;
        break;
    }
    }
    out->mem = r & m;
    out->rflags = (rflags & ~keep) | (f & keep);
    return 0;
}
