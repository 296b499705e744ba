/* MSR and control-register rules. An MSR rule guards the bits in its mask
 * (the whole register, or one bit such as EFER.NXE); a CR rule pins one
 * bit: once armed, clearing it is an attempt the policy judges. Arming
 * `on-first-write` means the kernel's own first change is allowed (for an
 * MSR: its first write of a guarded bit; for a CR bit: setting it). */
#include "hv/enforce.h"
#include "hv/event.h"

bool enforce_msr_watched(uint32_t msr)
{
    for (uint32_t live = enforce.msr_armed | enforce.msr_first_write; live; live &= live - 1)
        if (enforce.policy.msr[__builtin_ctz(live)].msr == msr)
            return true;
    return false;
}

bool enforce_msr_write(struct cpu *c, uint32_t msr, uint64_t old, uint64_t value, bool *gp)
{
    const struct policy *p = &enforce.policy;
    uint64_t changed = old ^ value;
    *gp = false;
    if (enforce.protections_off || !changed)
        return true;
    bool block = false;
    for (unsigned i = 0; i < p->msr_count; i++) {
        const struct policy_msr_rule *r = &p->msr[i];
        if (r->msr != msr || !(r->mask & changed))
            continue;
        if (!(c->msr_armed & (1u << i))) {
            if (r->arm == POLICY_ARM_ON_FIRST_WRITE)
                __atomic_fetch_or(&c->msr_armed, 1u << i, __ATOMIC_RELAXED);
            continue;
        }
        char name[48];
        const char *reg = policy_msr_name(msr);
        unsigned bit = (unsigned)__builtin_ctzll(r->mask);
        if (r->mask != ~0ull)
            bw_snprintf(name, sizeof(name), "%s.%s", reg ? reg : "MSR", policy_msr_bit_name(msr, bit));
        else if (reg)
            bw_snprintf(name, sizeof(name), "%s", reg);
        else
            bw_snprintf(name, sizeof(name), "MSR 0x%x", msr);
        struct event e = { .kind = "msr-write", .resource = name, .rule_line = r->line,
                           .value = value, .has_value = true, .access = "write" };
        enforce_event_init(c, &e, NULL);
        if (enforce_verdict(r->action, &e)) {
            block = true;
            *gp = *gp || r->on_deny == POLICY_ON_DENY_GP;
        }
    }
    return !block;
}

uint64_t enforce_cr_mask(unsigned cr)
{
    uint64_t mask = 0;
    if (!enforce.protections_off)
        for (unsigned i = 0; i < enforce.policy.cr_count; i++)
            if (enforce.policy.cr[i].cr == cr)
                mask |= 1ull << enforce.policy.cr[i].bit;
    return mask;
}

bool enforce_cr_write(struct cpu *c, unsigned cr, uint64_t old, uint64_t value, uint64_t *keep_set)
{
    const struct policy *p = &enforce.policy;
    *keep_set = 0;
    if (enforce.protections_off)
        return true;
    bool refuse = false;
    for (unsigned i = 0; i < p->cr_count; i++) {
        const struct policy_cr_rule *r = &p->cr[i];
        uint64_t bit = 1ull << r->bit;
        if (r->cr != cr)
            continue;
        if (r->arm == POLICY_ARM_ON_FIRST_WRITE && (old & bit))
            __atomic_fetch_or(&c->cr_armed, 1u << i, __ATOMIC_RELAXED);   /* pinned once set on this CPU */
        if (!(c->cr_armed & (1u << i)) || !(old & bit) || (value & bit))
            continue;
        char name[24];
        bw_snprintf(name, sizeof(name), "CR%u.%s", cr, policy_cr_bit_name(cr, r->bit));
        struct event e = { .kind = "cr-write", .resource = name, .rule_line = r->line,
                           .value = value, .has_value = true, .access = "write" };
        enforce_event_init(c, &e, NULL);
        if (!enforce_verdict(r->action, &e))
            continue;
        if (r->shadow == POLICY_SHADOW_ATTEMPTED)
            *keep_set |= bit;
        else
            refuse = true;
    }
    return !refuse;
}
