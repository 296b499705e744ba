/* The arithmetic of emulated memory writes: given the old value of the
 * memory operand, the source and RFLAGS, the new memory value, the new
 * RFLAGS and the register the instruction writes back. No guest access:
 * shared code, tested on the host (tests/unit/test_emulate.c). */
#ifndef BULWARK_EMULATE_H
#define BULWARK_EMULATE_H

#include "hv/decode.h"

/* RFLAGS bits an arithmetic instruction may change (SDM Vol 1 3.4.3.1). */
#define EMU_CF (1ull << 0)
#define EMU_PF (1ull << 2)
#define EMU_AF (1ull << 4)
#define EMU_ZF (1ull << 6)
#define EMU_SF (1ull << 7)
#define EMU_OF (1ull << 11)
#define EMU_STATUS_FLAGS (EMU_CF | EMU_PF | EMU_AF | EMU_ZF | EMU_SF | EMU_OF)

enum emu_reg_write { EMU_REG_NONE, EMU_REG_SRC, EMU_REG_ACC };

struct emu_result {
    uint64_t mem;            /* new value of the memory operand, cut to size (always written) */
    uint64_t rflags;
    enum emu_reg_write reg;  /* SRC: the source register; ACC: AL/AX/EAX/RAX */
    uint64_t reg_value;      /* cut to size; merge with emu_merge_reg */
};

/* True for the read-modify-write ops emu_rmw computes. */
bool emu_is_rmw(enum insn_op op);
/* One read-modify-write of a `size`-byte (1, 2, 4, 8) memory operand
 * holding `old`: src is the register or immediate source (bit offset for
 * BTS/BTR/BTC), acc the accumulator (CMPXCHG). Returns 0, or -1 for an op
 * emu_is_rmw rejects or a bad size. */
int emu_rmw(enum insn_op op, unsigned size, uint64_t old, uint64_t src, uint64_t acc, uint64_t rflags,
            struct emu_result *out);
/* Register `old` after writing `size` bytes of v as the processor does
 * (SDM Vol 1 3.4.1.1): 8/16-bit writes keep the other bits (high8: bits
 * 15:8, AH..BH), a 32-bit write zero-extends, a 64-bit write replaces. */
uint64_t emu_merge_reg(uint64_t old, uint64_t v, unsigned size, bool high8);
/* All ones in the low `size` bytes. */
uint64_t emu_mask(unsigned size);

#endif
