/* libFuzzer target for hv/decode: arbitrary bytes in every CPU mode. The first
 * input byte picks the mode, the rest are the instruction bytes. A decoded
 * read-modify-write also runs through hv/emulate with values taken from the
 * instruction bytes. */
#include <stdlib.h>
#include <string.h>

#include "hv/emulate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Results stay within the operand size; no RFLAGS bit outside the status
 * flags changes. */
static void check_emulate(const struct insn *i, const uint8_t *b, size_t n)
{
    uint64_t v[3] = { 0, 0, 0 };
    memcpy(v, b, n < sizeof(v) ? n : sizeof(v));
    uint64_t flags = 0x2 | (v[2] & 0x3F7FD5);
    struct emu_result r;
    unsigned size = i->mem_operand_size;
    if (emu_rmw(i->op, size, v[0], v[1], v[2], flags, &r) != 0)
        return;   /* a size the emulator refuses (e.g. a byte BT*) */
    if ((r.mem & ~emu_mask(size)) || ((r.rflags ^ flags) & ~EMU_STATUS_FLAGS) ||
        (r.reg != EMU_REG_NONE && (r.reg_value & ~emu_mask(size))))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum cpu_mode mode = (enum cpu_mode)(data[0] & 3);
    const uint8_t *bytes = data + 1;
    size_t avail = size - 1;
    struct insn i, again;
    int rc = insn_decode(bytes, avail, mode, &i);
    if (rc != 0) {
        if (rc != INSN_ERR_TRUNCATED && rc != INSN_ERR_TOO_LONG && rc != INSN_ERR_INVALID)
            abort();
        return 0;
    }
    if (i.length == 0 || i.length > INSN_MAX_LEN || i.length > avail)
        abort();
    /* The decoded length must be self-consistent: exactly those bytes decode
     * to the same instruction, one byte fewer is truncated. */
    if (insn_decode(bytes, i.length, mode, &again) != 0 || again.length != i.length ||
        again.mnemonic != i.mnemonic)
        abort();
    if (insn_decode(bytes, i.length - 1u, mode, &again) != INSN_ERR_TRUNCATED)
        abort();
    if (i.has_mem && (i.mem.scale > 8 || (i.mem.scale & (i.mem.scale - 1)) ||
                      i.mem.seg > INSN_SEG_GS || i.mem_operand_size == 0))
        abort();
    if (i.writes_memory && !i.has_mem)
        abort();
    if (insn_mnemonic(&i)[0] == '\0')
        abort();
    if (emu_is_rmw(i.op))
        check_emulate(&i, bytes, i.length);
    return 0;
}
