/* Fetch + decode of the instruction the guest was executing. */
#include "vmx/guest_insn.h"
#include "vmx/guest_virt.h"
#include "hv/guest_mem.h"
#include "hv/insn_fetch.h"
#include "hv/rendezvous.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

/* The last instruction each CPU decoded. Exits that repeat one instruction
 * (a hot counter beside protected bytes: hv/enforce_mem.c) skip the
 * decoder, the costliest step of such an exit. A decoded instruction
 * depends only on the mode and its own bytes, so a match is never stale. */
static struct {
    enum cpu_mode mode;
    struct insn insn;   /* length 0: empty */
    uint8_t bytes[INSN_MAX_LEN];
} last[MAX_CPUS];

static int decode(const struct guest_insn *gi, enum cpu_mode mode, struct insn *out)
{
    unsigned cpu = this_cpu()->index;
    uint8_t n = last[cpu].insn.length;
    if (n && last[cpu].mode == mode && n <= gi->len && !memcmp(last[cpu].bytes, gi->bytes, n)) {
        *out = last[cpu].insn;
        return 0;
    }
    int rc = insn_decode(gi->bytes, gi->len, mode, out);
    if (rc == 0) {
        last[cpu].mode = mode;
        last[cpu].insn = *out;
        memcpy(last[cpu].bytes, gi->bytes, out->length);
    }
    return rc;
}

int guest_insn_current(struct guest_insn *out)
{
    struct guest_paging pg;
    guest_paging_current(&pg);
    enum cpu_mode mode = cpu_mode_from(pg.cr0, pg.efer, (uint32_t)vmread(GUEST_CS_AR_BYTES));
    uint64_t linear = vmread(GUEST_RIP) + (mode == CPU_MODE_LONG64 ? 0 : vmread(GUEST_CS_BASE));
    if (mode != CPU_MODE_LONG64)
        linear &= 0xFFFFFFFF;
    out->len = 0;
    int rc = insn_fetch(&guest_phys_mem, &pg, linear, out->bytes, INSN_MAX_LEN, &out->len);
    out->status = rc != 0 && out->len == 0 ? rc : decode(out, mode, &out->insn);
    return out->status;
}
