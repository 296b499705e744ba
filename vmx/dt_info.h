/* Operand of a descriptor-table instruction from the VM-exit
 * instruction-information field and the exit qualification (SDM Vol 3C
 * 28.2.5, Table 28-10 "Format of the VM-Exit Instruction-Information Field
 * as Used for LIDT, LGDT, SIDT, or SGDT" and Table 28-11 "... for LLDT,
 * LTR, SLDT, and STR"). Pure decoding, shared code: unit-tested on the host. */
#ifndef BULWARK_DT_INFO_H
#define BULWARK_DT_INFO_H

#include "hv/lib.h"

/* Instruction identity, bits 29:28: GDTR/IDTR family (exit reason 46)
 * first, then the LDTR/TR family (exit reason 47) in the same order. */
enum dt_insn { DT_SGDT, DT_SIDT, DT_LGDT, DT_LIDT, DT_SLDT, DT_STR, DT_LLDT, DT_LTR };

/* Identities 2 and 3 of both tables load a register; 0 and 1 store one. */
static inline bool dt_is_load(enum dt_insn i) { return (i & 2) != 0; }

struct dt_operand {
    enum dt_insn insn;
    bool is_reg;        /* register operand (LDTR/TR family only) */
    uint8_t reg;        /* general-purpose register number when is_reg */
    uint8_t seg;        /* segment register, encoding order (ES, CS, SS, DS, FS, GS) */
    uint8_t addr_bits;  /* 16, 32 or 64 */
    uint8_t op_bits;    /* GDTR/IDTR family outside 64-bit mode: 16 or 32; else 0 */
    uint64_t offset;    /* base + index * scale + displacement, truncated to addr_bits */
};

/* `info` is VMX_INSTRUCTION_INFO, `qual` the exit qualification (the
 * sign-extended displacement), `ldtr_tr` selects Table 28-11 (exit reason
 * 47) over Table 28-10, `gpr` the guest's 16 general-purpose registers in
 * encoding order (RSP included). Returns 0, or -1 for an encoding no
 * processor reports (reserved address size or segment). */
int dt_decode(uint32_t info, uint64_t qual, bool ldtr_tr, const uint64_t gpr[16], struct dt_operand *out);

#endif
