/* libFuzzer target for hv/decode: arbitrary bytes in every CPU mode. The first
 * input byte picks the mode, the rest are the instruction bytes. */
#include <stdlib.h>

#include "hv/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    return 0;
}
