/* GDTR/IDTR access exits (exit reason 46, descriptor-table exiting): LGDT,
 * LIDT, SGDT and SIDT are emulated on their memory operand (SDM Vol 2A
 * "LGDT/LIDT", "SGDT", "SIDT"). Loads are judged by the table rules first
 * (hv/enforce_dt.c); a denied load is skipped and nothing is loaded.
 * VM entry requires canonical GDTR/IDTR bases (Vol 3C 26.3.1.3): where the
 * processor would load a non-canonical base and fault on its first use,
 * Bulwark refuses the load with #GP(0). */
#include "hv/enforce_dt.h"
#include "hv/x86.h"
#include "vmx/dt_info.h"
#include "vmx/exit.h"
#include "vmx/guest_operand.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

/* Operand: a 16-bit limit then the base, 8 bytes in 64-bit mode, else 4
 * bytes of which LGDT/LIDT with a 16-bit operand size use 24 bits. */
static int load(struct cpu *c, const struct dt_operand *op, enum cpu_mode mode, uint64_t la, bool idt,
                struct guest_fault *f)
{
    uint8_t m[10] = { 0 };
    unsigned size = mode == CPU_MODE_LONG64 ? 10 : 6;
    if (guest_operand_read(la, m, size, guest_explicit_access(), f))
        return -1;
    uint16_t limit = (uint16_t)(m[0] | m[1] << 8);
    uint64_t base;
    memcpy(&base, m + 2, sizeof(base));
    if (mode != CPU_MODE_LONG64)
        base &= op->op_bits == 16 ? 0xFFFFFF : 0xFFFFFFFF;
    else if (!guest_canonical(base)) {
        *f = (struct guest_fault){ .vector = 13 };
        return -1;
    }
    if (enforce_dt_load(c, idt ? POLICY_TABLE_IDT : POLICY_TABLE_GDT, base, limit)) {
        vmwrite(idt ? GUEST_IDTR_BASE : GUEST_GDTR_BASE, base);
        vmwrite(idt ? GUEST_IDTR_LIMIT : GUEST_GDTR_LIMIT, limit);
    }
    return 0;
}

/* The full 32-bit base is stored whatever the operand size (processors
 * after the Intel 286 store it, SDM Vol 2B SGDT). */
static int store(struct cpu *c, enum cpu_mode mode, uint64_t la, bool idt, struct guest_fault *f)
{
    uint8_t m[10];
    uint16_t limit = (uint16_t)vmread(idt ? GUEST_IDTR_LIMIT : GUEST_GDTR_LIMIT);
    uint64_t base = vmread(idt ? GUEST_IDTR_BASE : GUEST_GDTR_BASE);
    memcpy(m, &limit, 2);
    memcpy(m + 2, &base, 8);
    return guest_operand_write(c, la, m, mode == CPU_MODE_LONG64 ? 10 : 6, guest_explicit_access(), f) < 0 ? -1 : 0;
}

void exit_gdtr_idtr(struct cpu *c, uint64_t q)
{
    struct dt_operand op;
    enum cpu_mode mode;
    if (guest_dt_operand(c, q, false, &op, &mode))
        return;
    bool is_load = dt_is_load(op.insn), idt = op.insn == DT_SIDT || op.insn == DT_LIDT;
    struct guest_fault f;
    uint64_t la;
    unsigned size = mode == CPU_MODE_LONG64 ? 10 : 6;
    if (guest_operand_linear(mode, op.seg, op.offset, size, !is_load, &la, &f) ||
        (is_load ? load(c, &op, mode, la, idt, &f) : store(c, mode, la, idt, &f))) {
        guest_inject_fault(&f);
        return;
    }
    guest_skip_instruction();
}
