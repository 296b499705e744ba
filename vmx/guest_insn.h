#ifndef BULWARK_GUEST_INSN_H
#define BULWARK_GUEST_INSN_H

#include "hv/decode.h"

/* The instruction at the guest's current CS:RIP, fetched through the
 * guest's own page tables and decoded. Returns 0, or negative when it
 * cannot be read or decoded (bytes/len still hold what was read). */
struct guest_insn {
    uint8_t bytes[INSN_MAX_LEN];
    size_t len;
    struct insn insn;
    int status;          /* what guest_insn_current returned */
};
int guest_insn_current(struct guest_insn *out);

#endif
