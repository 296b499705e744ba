/* Policy loading, arming and verdicts shared by every protection. */
#include "hv/enforce.h"
#include "hv/enforce_mem.h"
#include "hv/event.h"
#include "hv/log.h"
#include "hv/mm.h"
#include "hv/run_end.h"
#include "vmx/bitmaps.h"
#include "vmx/exit.h"
#include "vmx/guest_insn.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

struct enforce_state enforce;

void enforce_load_policy(const struct boot_info *bi)
{
    struct policy *p = &enforce.policy;
    const struct mb2_module *m = mb2_find_module(bi, "policy");
    if (!m) {
        policy_default(p);
        hv_log("policy: none given, using the built-in strict default");
    } else {
        struct policy_error err;
        const char *name = mb2_module_args(m);
        if (policy_parse(phys_to_virt(m->start), m->end - m->start, *name ? name : "policy", p, &err)) {
            char msg[POLICY_NAME_MAX + POLICY_MSG_MAX + 32];
            policy_format_error(&err, msg, sizeof(msg));
            hv_log("%s", msg);
            if (err.on_error == POLICY_FAIL_CLOSED)
                run_end_failure("policy error: refusing to launch the guest unprotected (fail-closed)");
            hv_log("policy error with on-error = fail-open: the guest runs WITHOUT protection");
            enforce.protections_off = true;
            return;
        }
    }
    hv_log("policy %s: mode %s, %u memory, %u MSR, %u CR rules, IDT %s, GDT %s, default arm %s",
           p->source, policy_mode_name(p->mode), p->mem_count, p->msr_count, p->cr_count,
           p->table[POLICY_TABLE_IDT].present ? policy_action_name(p->table[POLICY_TABLE_IDT].action) : "-",
           p->table[POLICY_TABLE_GDT].present ? policy_action_name(p->table[POLICY_TABLE_GDT].action) : "-",
           policy_arm_name(p->arm));
    event_rate_limit(p->rate_per_sec, p->rate_burst);
    _Static_assert(POLICY_MAX_MSR <= 32 && POLICY_MAX_CR <= 32, "rule masks are 32 bits");
    for (unsigned i = 0; i < p->msr_count; i++)
        if (p->msr[i].arm == POLICY_ARM_ON_FIRST_WRITE)
            enforce.msr_first_write |= 1u << i;
    for (unsigned i = 0; i < p->msr_count; i++)
        if (!msr_intercept(p->msr[i].msr, false, true))
            hv_log("policy line %u: MSR 0x%x is outside the MSR bitmap; its accesses always exit",
                   p->msr[i].line, p->msr[i].msr);
}

void enforce_set_kernel(const struct guest_boot *boot)
{
    enforce.text_count = boot->text_count;
    memcpy(enforce.text, boot->text, sizeof(boot->text[0]) * boot->text_count);
}

/* Register rules arm on every CPU slot, started or not, so an AP the guest
 * starts later comes up armed. */
static void arm_matching(struct cpu *c, enum policy_arm when)
{
    const struct policy *p = &enforce.policy;
    uint32_t msr = 0, cr = 0;
    for (unsigned i = 0; i < p->msr_count; i++)
        if (p->msr[i].arm == when)
            msr |= 1u << i;
    for (unsigned i = 0; i < p->cr_count; i++)
        if (p->cr[i].arm == when)
            cr |= 1u << i;
    __atomic_fetch_or(&enforce.msr_armed, msr, __ATOMIC_RELAXED);
    for (unsigned k = 0; k < MAX_CPUS; k++) {
        __atomic_fetch_or(&cpus[k].msr_armed, msr, __ATOMIC_RELAXED);
        __atomic_fetch_or(&cpus[k].cr_armed, cr, __ATOMIC_RELAXED);
    }
    enforce_mem_arm(c, when);
}

void enforce_launch(struct cpu *c)
{
    if (!enforce.protections_off)
        arm_matching(c, POLICY_ARM_AT_LAUNCH);
}

bool enforce_arm_hypercall(struct cpu *c)
{
    if (__atomic_exchange_n(&enforce.hypercall_armed, true, __ATOMIC_ACQ_REL))
        return false;
    if (!enforce.protections_off)
        arm_matching(c, POLICY_ARM_ON_HYPERCALL);
    hv_log("guest armed its on-hypercall protections");
    return true;
}

bool enforce_verdict(enum policy_action action, struct event *e)
{
    bool audit = enforce.policy.mode == POLICY_AUDIT;
    enum policy_action effective = audit && action == POLICY_DENY ? POLICY_LOG : action;
    e->action = policy_action_name(effective);
    e->audit = audit;
    if (effective != POLICY_ALLOW || audit)
        event_emit(e);
    return effective == POLICY_DENY;
}

void enforce_event_init(struct cpu *c, struct event *e, const struct guest_insn *decoded)
{
    struct guest_insn own;
    const struct guest_insn *gi = decoded;
    if (!gi) {
        guest_insn_current(&own);
        gi = &own;
    }
    e->cpu = c->index;
    e->rip = vmread(GUEST_RIP);
    e->cpl = guest_cpl();
    e->bits = guest_code_bits();
    e->insn_len = gi->status == 0 ? gi->insn.length : (unsigned)MIN(gi->len, sizeof(e->insn));
    memcpy(e->insn, gi->bytes, e->insn_len);
}
