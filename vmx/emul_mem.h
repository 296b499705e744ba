/* Memory operands of emulated writes (vmx/emul_write.c): their linear
 * address, their bytes in guest RAM through the direct map, and stores
 * that other CPUs' emulated writes to the same page see whole. */
#ifndef BULWARK_EMUL_MEM_H
#define BULWARK_EMUL_MEM_H

#include "hv/cpu.h"
#include "hv/decode.h"
#include "vmx/guest_operand.h"

enum emul_rc {
    EMUL_DONE,       /* the instruction (or its iterations so far) completed or faulted */
    EMUL_UNHANDLED,  /* not emulated: nothing changed */
    EMUL_PROTECTED,  /* it would write protected bytes: nothing changed, *hit says where */
};

/* Where a write meets protected bytes, for the policy's verdict. */
struct emul_hit {
    uint64_t gpa, gva, len;
};

/* Offset of memory operand m: base + index * scale + disp (RIP-relative
 * from the next instruction), cut to the address size (SDM Vol 1 3.7.5).
 * Returns -1 for a base or index that is not a general-purpose register. */
int emul_offset(struct cpu *c, const struct insn *in, const struct insn_mem *m, uint64_t *offset);
/* Map `size` bytes at offset in segment seg for writing. Returns
 * EMUL_DONE with *s, EMUL_UNHANDLED (not RAM), EMUL_PROTECTED with *hit
 * when protected bytes would be written on any page but `judged_page`
 * (the page whose write the policy already allowed; EMUL_NO_PAGE for
 * none), or -1 with *f. */
#define EMUL_NO_PAGE (~0ull)
int emul_map_dest(enum cpu_mode mode, unsigned seg, uint64_t offset, unsigned size, uint64_t judged_page,
                  struct guest_span *s, struct emul_hit *hit, struct guest_fault *f);
/* True when the operand is in one page and naturally aligned: its loads,
 * stores and compare-exchanges are single accesses. */
bool emul_aligned(const struct guest_span *s);
uint64_t emul_load(const struct guest_span *s);
void emul_store(const struct guest_span *s, uint64_t v);
/* Compare-exchange on an emul_aligned operand: true when it held *expected
 * and now holds desired; otherwise *expected is its current value. */
bool emul_cas(const struct guest_span *s, uint64_t *expected, uint64_t desired);

#endif
