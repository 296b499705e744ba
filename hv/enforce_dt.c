/* Pinning of IDTR/GDTR per CPU. Every LIDT/LGDT exits (descriptor-table
 * exiting, vmx/exit_dtr.c), so a CPU's VMCS guest-state GDTR/IDTR always
 * hold the last values it loaded: a rule armed by another CPU (HC_ARM) or
 * at launch pins each CPU lazily, at its next load, with the values it
 * has at that moment — the values it had when the rule armed. */
#include "hv/enforce_dt.h"
#include "hv/enforce.h"
#include "hv/enforce_mem.h"
#include "hv/event.h"
#include "hv/x86.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

_Static_assert(ARRAY_SIZE(((struct cpu *)0)->dt_pin) == POLICY_TABLE_COUNT, "one pin per table rule");

static void pin(struct dt_pin *p, uint64_t base, uint16_t limit)
{
    *p = (struct dt_pin){ base, limit, DT_PIN_SET };
}

bool enforce_dt_load(struct cpu *c, enum policy_table t, uint64_t base, uint16_t limit)
{
    const struct policy_table_rule *r = &enforce.policy.table[t];
    struct dt_pin *p = &c->dt_pin[t];
    bool idt = t == POLICY_TABLE_IDT;
    if (!r->present)
        return true;
    if (p->state != DT_PIN_SET) {
        if (r->arm == POLICY_ARM_ON_FIRST_WRITE || p->state == DT_PIN_AFTER_RESET) {
            if (vmread(GUEST_CR0) & CR0_PE) {
                pin(p, base, limit);   /* the first load in protected mode initializes: allowed */
                if (enforce.table_armed[t])   /* loaded after the contents armed */
                    enforce_mem_protect_table(t, base, limit);
            }
            return true;
        }
        if (!enforce.table_armed[t])
            return true;
        pin(p, vmread(idt ? GUEST_IDTR_BASE : GUEST_GDTR_BASE),
            (uint16_t)vmread(idt ? GUEST_IDTR_LIMIT : GUEST_GDTR_LIMIT));
    }
    if (base == p->base && limit == p->limit)
        return true;
    struct event e = {
        .kind = "dt-load", .resource = idt ? "IDTR" : "GDTR", .rule_line = r->line,
        .value = base, .has_value = true, .limit = limit, .has_limit = true,
    };
    enforce_event_init(c, &e, NULL);
    if (enforce_verdict(r->action, &e))
        return false;
    pin(p, base, limit);
    if (enforce.table_armed[t])
        enforce_mem_protect_table(t, base, limit);
    return true;
}

void enforce_dt_cpu_reset(struct cpu *c)
{
    for (unsigned t = 0; t < POLICY_TABLE_COUNT; t++)
        c->dt_pin[t] = (struct dt_pin){ .state = DT_PIN_AFTER_RESET };
}
