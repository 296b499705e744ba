/* Fetch + decode of the instruction the guest was executing. */
#include "vmx/guest_insn.h"
#include "vmx/guest_virt.h"
#include "hv/guest_mem.h"
#include "hv/insn_fetch.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

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
    out->status = rc != 0 && out->len == 0 ? rc : insn_decode(out->bytes, out->len, mode, &out->insn);
    return out->status;
}
