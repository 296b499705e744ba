/* EPT violations and misconfigurations (SDM 29.3.3). Writes to pages the
 * policy protects go to hv/enforce_mem.c. The hypervisor's own memory has
 * no permissions at all: an access there is recorded and denied. A denied read or write is
 * skipped (decoded with Zydis to learn its length): nothing is written and
 * the destination keeps its value. A denied instruction fetch cannot be
 * skipped, so the guest gets #UD there, as if no code existed. */
#include "hv/enforce.h"
#include "hv/enforce_mem.h"
#include "hv/event.h"
#include "hv/guest_ipi.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "vmx/diag.h"
#include "vmx/exit.h"
#include "vmx/guest_insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

static const char *access_name(uint64_t q)
{
    return q & EPT_QUAL_FETCH ? "fetch" : q & EPT_QUAL_WRITE ? "write" : "read";
}

void exit_ept_violation(struct cpu *c, uint64_t q)
{
    uint64_t gpa = vmread(GUEST_PHYSICAL_ADDRESS);
    uint64_t hv = hv_reserved_base();
    if (gpa - hv >= hv_reserved_size()) {
        if ((q & EPT_QUAL_WRITE) && (guest_ipi_apic_write(c, gpa) || enforce_mem_write(c, gpa, q)))
            return;
        vmx_unexpected_exit(c, "EPT violation outside any protected range");
    }

    struct guest_insn gi;
    int rc = guest_insn_current(&gi);
    struct event e = {
        .kind = "hv-memory", .gpa = gpa, .has_gpa = true,
        .gva = vmread(GUEST_LINEAR_ADDRESS), .has_gva = !!(q & EPT_QUAL_LINEAR_VALID),
        .access = access_name(q), .action = "deny",
        .size = rc == 0 && gi.insn.has_mem ? gi.insn.mem_operand_size : 0,
    };
    enforce_event_init(c, &e, &gi);
    event_emit(&e);

    if (q & EPT_QUAL_FETCH || rc != 0)
        guest_inject_ud();
    else
        guest_advance_rip(gi.insn.length);
}

void exit_ept_misconfig(struct cpu *c, uint64_t q)
{
    (void)q;
    vmx_unexpected_exit(c, "EPT misconfiguration: a paging-structure entry is invalid");
}
