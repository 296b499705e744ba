/* Decoding of the VM-exit instruction-information field for descriptor-table
 * exits (SDM Vol 3C 28.2.5, Tables 28-10 and 28-11). Both tables share the
 * memory-operand fields; they differ in bit 10 (Table 28-11: register
 * operand) and bit 11 (Table 28-10: operand size). */
#include "vmx/dt_info.h"

#define FIELD(v, lo, bits) (((v) >> (lo)) & ((1u << (bits)) - 1))

int dt_decode(uint32_t info, uint64_t qual, bool ldtr_tr, const uint64_t gpr[16], struct dt_operand *out)
{
    unsigned addr = FIELD(info, 7, 3), seg = FIELD(info, 15, 3);
    if (addr > 2 || seg > 5)
        return -1;
    *out = (struct dt_operand){
        .insn = (enum dt_insn)(FIELD(info, 28, 2) + (ldtr_tr ? DT_SLDT : DT_SGDT)),
        .seg = (uint8_t)seg,
        .addr_bits = (uint8_t)(16u << addr),
    };
    if (ldtr_tr && FIELD(info, 10, 1)) {           /* bit 10: register operand, Reg1 in 6:3 */
        out->is_reg = true;
        out->reg = (uint8_t)FIELD(info, 3, 4);
        return 0;
    }
    if (!ldtr_tr && addr != 2)                     /* bit 11: operand size, undefined in 64-bit mode */
        out->op_bits = FIELD(info, 11, 1) ? 32 : 16;
    uint64_t ea = qual;                            /* displacement (28.2.1) */
    if (!FIELD(info, 27, 1))                       /* base register valid */
        ea += gpr[FIELD(info, 23, 4)];
    if (!FIELD(info, 22, 1))                       /* index register valid, scaled by 1 << bits 1:0 */
        ea += gpr[FIELD(info, 18, 4)] << FIELD(info, 0, 2);
    out->offset = addr == 2 ? ea : ea & (addr ? 0xFFFFFFFFull : 0xFFFFull);
    return 0;
}
