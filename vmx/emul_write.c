#include "vmx/emul_write.h"
#include "hv/emulate.h"
#include "hv/x86.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

/* The write about to be emulated reaches the page whose write faulted.
 * Otherwise the guest's TLB or code changed under it (a stale translation,
 * code another CPU rewrote): leave it to the processor. */
static bool reaches(const struct guest_span *s, uint64_t gpa)
{
    for (unsigned i = 0; i < s->n; i++)
        if (ALIGN_DOWN(s->gpa[i], 4096) == ALIGN_DOWN(gpa, 4096))
            return true;
    return false;
}

/* The explicit memory operand, mapped for writing: true, or false with the
 * outcome in *rc (a fault is injected: the instruction raises it). */
static bool map_operand(struct cpu *c, const struct insn *in, uint64_t judged_page, struct guest_span *s,
                        struct emul_hit *hit, enum emul_rc *rc)
{
    uint64_t offset;
    struct guest_fault f;
    if (emul_offset(c, in, &in->mem, &offset)) {
        *rc = EMUL_UNHANDLED;
        return false;
    }
    uint64_t faulted = hit->gpa;
    int r = emul_map_dest(guest_cpu_mode(), in->mem.seg, offset, in->mem_operand_size, judged_page, s, hit, &f);
    if (r == EMUL_DONE && !reaches(s, faulted))
        r = EMUL_UNHANDLED;
    if (r < 0)
        guest_inject_fault(&f);
    *rc = r < 0 ? EMUL_DONE : (enum emul_rc)r;
    return r == EMUL_DONE;
}

static enum emul_rc emul_mov(struct cpu *c, const struct insn *in, uint64_t judged_page, struct emul_hit *hit)
{
    uint64_t v;
    struct guest_span s;
    enum emul_rc rc;
    if (guest_store_value(c, in, &v) || in->src_size != in->mem_operand_size)
        return EMUL_UNHANDLED;   /* e.g. MOV from a segment register */
    if (!map_operand(c, in, judged_page, &s, hit, &rc))
        return rc;
    emul_store(&s, v);
    guest_advance_rip(in->length);
    return EMUL_DONE;
}

/* Read-modify-write: a compare-exchange loop on an aligned operand, so a
 * LOCK'd instruction is atomic against every other write to the page
 * (other CPUs' writes to its unprotected bytes are emulated the same way;
 * XCHG with memory is always locked, SDM Vol 2B "XCHG"). A LOCK'd operand
 * that is misaligned or crosses a page is not emulated. */
static enum emul_rc emul_rmw_insn(struct cpu *c, const struct insn *in, uint64_t judged_page, struct emul_hit *hit)
{
    unsigned size = in->mem_operand_size;
    bool unary = in->op == INSN_OP_INC || in->op == INSN_OP_DEC || in->op == INSN_OP_NEG || in->op == INSN_OP_NOT;
    bool bit_op = in->op >= INSN_OP_BTS;   /* a register bit offset may address other bytes */
    uint64_t src = 0;
    if (!unary && (guest_store_value(c, in, &src) || (bit_op && in->src_kind != INSN_SRC_IMM)))
        return EMUL_UNHANDLED;
    struct guest_span s;
    enum emul_rc rc;
    if (!map_operand(c, in, judged_page, &s, hit, &rc))
        return rc;
    bool atomic = emul_aligned(&s);
    if (!atomic && (in->has_lock || in->op == INSN_OP_XCHG))
        return EMUL_UNHANDLED;
    uint64_t acc = guest_gpr(c, REG_RAX), rflags = vmread(GUEST_RFLAGS), old = emul_load(&s);
    struct emu_result r;
    do {
        if (emu_rmw(in->op, size, old, src, acc, rflags, &r))
            return EMUL_UNHANDLED;   /* nothing written yet */
    } while (atomic && !emul_cas(&s, &old, r.mem));
    if (!atomic)
        emul_store(&s, r.mem);
    if (r.reg == EMU_REG_SRC)
        guest_set_gpr(c, in->src_reg, emu_merge_reg(guest_gpr(c, in->src_reg), r.reg_value, size, in->src_reg_high8));
    else if (r.reg == EMU_REG_ACC)
        guest_set_gpr(c, REG_RAX, emu_merge_reg(acc, r.reg_value, size, false));
    vmwrite(GUEST_RFLAGS, r.rflags);
    guest_advance_rip(in->length);
    return EMUL_DONE;
}

/* STOS/MOVS (SDM Vol 2B "STOS", "MOVS", "REP"): iterations while they stay
 * in the page of the first destination and write no protected bytes
 * (bounded work per exit; the processor does the rest when the guest runs
 * the instruction again). rDI/rSI move by the element size, down with
 * RFLAGS.DF; rCX counts down; all three are address-size registers. RIP
 * advances once the count reaches 0. */
static enum emul_rc emul_string(struct cpu *c, const struct insn *in, uint64_t judged_page, struct emul_hit *hit)
{
    unsigned size = in->mem_operand_size, asz = in->address_size;
    uint64_t amask = emu_mask(asz), step = (vmread(GUEST_RFLAGS) & RFLAGS_DF) ? -(uint64_t)size : size;
    uint64_t di = guest_gpr(c, REG_RDI), si = guest_gpr(c, REG_RSI), v = 0, page = 0, done = 0;
    uint64_t count = in->has_rep ? guest_gpr(c, REG_RCX) & amask : 1, faulted = hit->gpa;
    enum cpu_mode mode = guest_cpu_mode();
    if (in->op == INSN_OP_STOS && guest_store_value(c, in, &v))
        return EMUL_UNHANDLED;
    for (; done < count; done++, di += step, si += step) {
        struct guest_span s;
        struct guest_fault f;
        uint64_t la;
        int rc = EMUL_DONE;
        if (in->op == INSN_OP_MOVS) {
            rc = guest_operand_linear(mode, in->src_mem.seg, si & amask, size, false, &la, &f) ? -1
                 : guest_operand_map(la, size, guest_explicit_access(), &s, &f);
            if (rc > 0)
                rc = EMUL_UNHANDLED;   /* the source is not RAM */
            else if (rc == 0)
                v = emul_load(&s);
        }
        if (rc == EMUL_DONE)
            rc = emul_map_dest(mode, in->mem.seg, di & amask, size, done ? EMUL_NO_PAGE : judged_page, &s, hit, &f);
        if (rc == EMUL_DONE && done && (s.n > 1 || ALIGN_DOWN(s.gpa[0], 4096) != page))
            break;
        if (rc == EMUL_DONE && !done && !reaches(&s, faulted))
            rc = EMUL_UNHANDLED;
        if (rc != EMUL_DONE) {
            if (done)
                break;   /* the guest runs the rest: it faults or exits there itself */
            if (rc > 0)
                return (enum emul_rc)rc;
            guest_inject_fault(&f);
            return EMUL_DONE;
        }
        page = ALIGN_DOWN(s.gpa[0], 4096);
        emul_store(&s, v);
    }
    guest_set_gpr(c, REG_RDI, emu_merge_reg(guest_gpr(c, REG_RDI), di, asz, false));
    if (in->op == INSN_OP_MOVS)
        guest_set_gpr(c, REG_RSI, emu_merge_reg(guest_gpr(c, REG_RSI), si, asz, false));
    if (in->has_rep)
        guest_set_gpr(c, REG_RCX, emu_merge_reg(guest_gpr(c, REG_RCX), count - done, asz, false));
    if (done == count)
        guest_advance_rip(in->length);
    return EMUL_DONE;
}

enum emul_rc emul_write(struct cpu *c, const struct insn *in, uint64_t judged_page, struct emul_hit *hit)
{
    /* A single-step trap after the instruction (SDM Vol 3A 18.3.1.4) is left
     * to the processor: the caller's fallback runs the instruction itself. */
    if (!in->has_mem || (vmread(GUEST_RFLAGS) & RFLAGS_TF))
        return EMUL_UNHANDLED;
    switch (in->op) {
    case INSN_OP_MOV:
        return emul_mov(c, in, judged_page, hit);
    case INSN_OP_STOS:
    case INSN_OP_MOVS:
        return emul_string(c, in, judged_page, hit);
    default:
        return emu_is_rmw(in->op) && in->writes_memory ? emul_rmw_insn(c, in, judged_page, hit) : EMUL_UNHANDLED;
    }
}
