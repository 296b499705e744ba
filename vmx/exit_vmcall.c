/* VMCALL exits unconditionally. Only the guest kernel may call the
 * hypervisor: from CPL > 0 the call is recorded and #UD injected, as
 * on a CPU without VMX. */
#include "hv/enforce.h"
#include "hv/event.h"
#include "hv/hypercall.h"
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

void exit_vmcall(struct cpu *c, uint64_t q)
{
    (void)q;
    unsigned cpl = guest_cpl();
    if (cpl != 0) {
        struct event e = {
            .kind = "vmcall-denied", .resource = "vmcall", .has_value = true,
            .value = c->regs.gpr[REG_RAX], .action = "deny",
        };
        enforce_event_init(c, &e, NULL);
        event_emit(&e);
        guest_inject_ud();
        return;
    }
    hypercall_dispatch(c);
    guest_skip_instruction();
}
