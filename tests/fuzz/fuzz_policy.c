/* libFuzzer: policy_parse on arbitrary bytes. An accepted policy must
 * respect every bound and invariant the enforcement code relies on; a
 * rejected one must carry a position inside the input and a message. */
#include <stdlib.h>

#include "hv/policy.h"

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static void check_accepted(const struct policy *p)
{
    check(p->mem_count <= POLICY_MAX_MEM && p->msr_count <= POLICY_MAX_MSR &&
          p->cr_count <= POLICY_MAX_CR);
    check(p->rate_burst <= POLICY_MAX_RATE && (p->rate_per_sec == 0) == (p->rate_burst == 0));
    for (uint32_t i = 0; i < p->mem_count; i++) {
        const struct policy_mem_rule *m = &p->mem[i];
        check(m->line > 0 && m->action <= POLICY_DENY);
        check(m->arm != POLICY_ARM_ON_FIRST_WRITE);
        if (m->kind == POLICY_MEM_KERNEL_IMAGE)
            continue;
        check(m->start <= m->end);
        check(m->kind != POLICY_MEM_GVA || m->arm == POLICY_ARM_ON_HYPERCALL);
        for (uint32_t j = 0; j < i; j++)
            check(p->mem[j].kind != m->kind || m->start > p->mem[j].end ||
                  p->mem[j].start > m->end);
    }
    for (uint32_t i = 0; i < p->msr_count; i++) {
        const struct policy_msr_rule *r = &p->msr[i];
        check(r->mask == ~0ULL || (r->mask & (r->mask - 1)) == 0);
        check(policy_msr_rule(p, r->msr, r->mask) != NULL);
        if (r->mask != ~0ULL)
            check(policy_msr_bit_name(r->msr, (unsigned)__builtin_ctzll(r->mask)) != NULL);
    }
    for (uint32_t i = 0; i < p->cr_count; i++) {
        const struct policy_cr_rule *r = &p->cr[i];
        check(policy_cr_bit_name(r->cr, r->bit) != NULL);
        check(policy_cr_rule(p, r->cr, r->bit) == r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct policy p;
    struct policy_error err;
    char msg[POLICY_NAME_MAX + POLICY_MSG_MAX + 32];
    char *buf = malloc(size ? size : 1); /* exact size: ASan sees overreads */
    memcpy(buf, data, size);
    if (policy_parse(buf, size, "fuzz.policy", &p, &err) == 0) {
        check_accepted(&p);
    } else {
        check(err.line >= 1 && err.column >= 1 && err.column <= POLICY_MAX_LINE + 1);
        check(err.msg[0] != 0 && p.mem_count == 0 && p.msr_count == 0 && p.cr_count == 0);
        check(policy_format_error(&err, msg, sizeof msg) > 0);
    }
    free(buf);
    return 0;
}
