/* Rule lines of the [memory], [tables], [msr] and [cr] sections:
 *   TARGET = ACTION [OPTION=VALUE]...
 * Every check reports the column of the part that is wrong. */
#include "hv/policy_int.h"

enum opt { OPT_ARM, OPT_ON_DENY, OPT_SHADOW, OPT_COUNT };
static const char *const opt_list[] = {"arm", "on-deny", "shadow"};
static const struct pnames pn_opt = {opt_list, OPT_COUNT};

enum mem_target { T_GPA, T_GVA, T_KERNEL_IMAGE, T_HYPERVISOR };
static const char *const mem_list[] = {"gpa", "gva", "kernel-image", "hypervisor"};
static const struct pnames pn_mem = {mem_list, ARRAY_SIZE(mem_list)};
static const char *const table_list[] = {"idt", "gdt"};
static const struct pnames pn_table = {table_list, POLICY_TABLE_COUNT};

#define GPA_LIMIT ((1ULL << 52) - 1)

/* The right-hand side of a rule line. */
struct rule {
    enum policy_action action;
    size_t action_pos;
    bool set[OPT_COUNT];
    size_t value_pos[OPT_COUNT];
    enum policy_arm arm;
    enum policy_on_deny on_deny;
    enum policy_shadow shadow;
};

static int parse_option(struct plex *lx, struct rule *r, unsigned allowed)
{
    struct ptok t;
    char list[64], after[24];
    if (plex_word(lx, &t, "an option"))
        return -1;
    int o = pnames_find(&pn_opt, &t);
    if (o < 0 || !(allowed & 1u << o)) {
        const char *names[OPT_COUNT];
        struct pnames ok = {names, 0};
        for (unsigned i = 0; i < OPT_COUNT; i++)
            if (allowed & 1u << i)
                names[ok.count++] = opt_list[i];
        if (!ok.count)
            return plex_error(lx, t.pos, "unknown option '%s' (this rule takes none)",
                              ptok_str(&t).s);
        pnames_list(&ok, list, sizeof list);
        return plex_error(lx, t.pos, "unknown option '%s' (expected %s)", ptok_str(&t).s, list);
    }
    if (r->set[o])
        return plex_error(lx, t.pos, "duplicate option '%s'", opt_list[o]);
    bw_snprintf(after, sizeof after, "'%s'", opt_list[o]);
    if (plex_expect(lx, '=', after))
        return -1;
    static const struct pnames *const values[OPT_COUNT] = {&pn_arm, &pn_on_deny, &pn_shadow};
    static const char *const what[OPT_COUNT] = {"an arming mode", "a deny reaction",
                                                "a shadow mode"};
    int v = plex_choice(lx, values[o], what[o], &r->value_pos[o]);
    if (v < 0)
        return -1;
    r->set[o] = true;
    if (o == OPT_ARM)
        r->arm = (enum policy_arm)v;
    else if (o == OPT_ON_DENY)
        r->on_deny = (enum policy_on_deny)v;
    else
        r->shadow = (enum policy_shadow)v;
    return 0;
}

/* "= ACTION [OPTION=VALUE]..." up to the end of the line. */
static int parse_value(struct pctx *c, struct rule *r, unsigned allowed)
{
    struct plex *lx = &c->lx;
    memset(r, 0, sizeof *r);
    r->arm = c->p->arm;
    if (plex_expect(lx, '=', "the rule's target"))
        return -1;
    int a = plex_choice(lx, &pn_action, "an action", &r->action_pos);
    if (a < 0)
        return -1;
    r->action = (enum policy_action)a;
    for (unsigned i = 0; i <= OPT_COUNT && !plex_eol(lx); i++)
        if (parse_option(lx, r, allowed))
            return -1;
    if (plex_end(lx))
        return -1;
    for (unsigned o = OPT_ON_DENY; o <= OPT_SHADOW; o++)
        if (r->set[o] && r->action != POLICY_DENY)
            return plex_error(lx, r->value_pos[o], "'%s' only applies to deny rules",
                              opt_list[o]);
    return 0;
}

/* The first write to memory cannot be told apart from the kernel
 * initializing it, so on-first-write waits for HC_ARM. (A table rule keeps
 * on-first-write: its register pins at the first load with paging on.) */
static enum policy_arm mem_arm(enum policy_arm arm)
{
    return arm == POLICY_ARM_ON_FIRST_WRITE ? POLICY_ARM_ON_HYPERCALL : arm;
}

/* START-END (inclusive) or BASE+LENGTH; numbers may end in K, M or G. */
static int parse_range(struct plex *lx, uint64_t *start, uint64_t *end, bool gpa)
{
    uint64_t a, b;
    size_t apos, bpos;
    if (plex_u64(lx, &a, true, "a start address", &apos))
        return -1;
    plex_ws(lx);
    char op = lx->pos < lx->n ? lx->s[lx->pos] : 0;
    if (op != '-' && op != '+')
        return plex_expect(lx, '-', "the start address (START-END or BASE+LENGTH)");
    lx->pos++;
    if (plex_u64(lx, &b, true, op == '-' ? "an end address" : "a length", &bpos))
        return -1;
    if (op == '-' && b < a)
        return plex_error(lx, bpos, "range end 0x%llx is below its start 0x%llx",
                          (unsigned long long)b, (unsigned long long)a);
    if (op == '+' && b == 0)
        return plex_error(lx, bpos, "empty range (length 0)");
    if (op == '+' && b - 1 > UINT64_MAX - a)
        return plex_error(lx, bpos, "range wraps past the end of the 64-bit address space");
    *start = a;
    *end = op == '-' ? b : a + (b - 1);
    if (gpa && *end > GPA_LIMIT)
        return plex_error(lx, bpos, "range ends at 0x%llx, beyond the 52-bit physical address space",
                          (unsigned long long)*end);
    return 0;
}

int policy_parse_memory(struct pctx *c)
{
    struct plex *lx = &c->lx;
    struct policy *p = c->p;
    struct policy_mem_rule m = {.line = lx->line};
    struct rule r;
    size_t kpos, rpos = 0;
    int k = plex_choice(lx, &pn_mem, "a memory target", &kpos);
    if (k < 0)
        return -1;
    if (k == T_GPA || k == T_GVA) {
        plex_ws(lx);
        rpos = lx->pos;
        if (parse_range(lx, &m.start, &m.end, k == T_GPA))
            return -1;
    }
    if (parse_value(c, &r, k == T_HYPERVISOR ? 0 : 1u << OPT_ARM))
        return -1;
    if (k == T_HYPERVISOR) {
        if (r.action != POLICY_DENY)
            return plex_error(lx, r.action_pos,
                              "the hypervisor's own memory is always denied; it cannot be '%s'",
                              policy_action_name(r.action));
        if (p->hypervisor_line)
            return plex_error(lx, kpos, "duplicate rule for hypervisor (first on line %u)",
                              p->hypervisor_line);
        p->hypervisor_line = lx->line;
        return 0;
    }
    m.kind = (enum policy_mem_kind)k;
    m.action = r.action;
    m.arm = mem_arm(r.arm);
    if (m.kind == POLICY_MEM_GVA && m.arm != POLICY_ARM_ON_HYPERCALL)
        return plex_error(lx, r.set[OPT_ARM] ? r.value_pos[OPT_ARM] : kpos,
                          "gva ranges are translated through the guest's page tables "
                          "when they arm, so they cannot arm at-launch");
    for (uint32_t i = 0; i < p->mem_count && i < POLICY_MAX_MEM; i++) {
        const struct policy_mem_rule *o = &p->mem[i];
        if (o->kind != m.kind)
            continue;
        if (m.kind == POLICY_MEM_KERNEL_IMAGE)
            return plex_error(lx, kpos, "duplicate rule for kernel-image (first on line %u)",
                              o->line);
        if (m.start <= o->end && o->start <= m.end)
            return plex_error(lx, rpos, "range overlaps the %s range on line %u",
                              mem_list[k], o->line);
    }
    if (p->mem_count >= POLICY_MAX_MEM)
        return plex_error(lx, kpos, "too many memory rules (at most %d)", POLICY_MAX_MEM);
    p->mem[p->mem_count++] = m;
    return 0;
}

int policy_parse_tables(struct pctx *c)
{
    struct rule r;
    size_t kpos;
    int k = plex_choice(&c->lx, &pn_table, "a descriptor table", &kpos);
    if (k < 0 || parse_value(c, &r, 1u << OPT_ARM))
        return -1;
    struct policy_table_rule *t = &c->p->table[k];
    if (t->present)
        return plex_error(&c->lx, kpos, "duplicate rule for %s (first on line %u)",
                          table_list[k], t->line);
    *t = (struct policy_table_rule){true, r.action, r.arm, c->lx.line};
    return 0;
}

static void msr_label(uint32_t msr, uint64_t mask, char *buf, size_t size)
{
    const char *name = policy_msr_name(msr);
    const char *bit = mask == ~0ULL ? NULL : policy_msr_bit_name(msr, (unsigned)__builtin_ctzll(mask));
    if (name)
        bw_snprintf(buf, size, "%s%s%s", name, bit ? "." : "", bit ? bit : "");
    else
        bw_snprintf(buf, size, "0x%x", msr);
}

int policy_parse_msr(struct pctx *c)
{
    struct plex *lx = &c->lx;
    struct policy *p = c->p;
    struct policy_msr_rule m = {.mask = ~0ULL, .line = lx->line};
    struct rule r;
    struct ptok t;
    char label[48], list[64];
    size_t kpos;
    plex_ws(lx);
    if (lx->pos < lx->n && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9') {
        uint64_t v;
        if (plex_u64(lx, &v, false, "an MSR number", &kpos))
            return -1;
        if (v > UINT32_MAX)
            return plex_error(lx, kpos, "MSR number 0x%llx does not fit in 32 bits",
                              (unsigned long long)v);
        m.msr = (uint32_t)v;
    } else {
        if (plex_word(lx, &t, "an MSR name or number"))
            return -1;
        kpos = t.pos;
        if (!policy_msr_lookup(&t, &m.msr))
            return plex_error(lx, t.pos, "unknown MSR '%s' (give its number, e.g. 0xc0000082)",
                              ptok_str(&t).s);
    }
    if (lx->pos < lx->n && lx->s[lx->pos] == '.') {
        lx->pos++;
        msr_label(m.msr, ~0ULL, label, sizeof label);
        if (plex_word(lx, &t, "a bit name"))
            return -1;
        const struct pbit *b = policy_msr_bit_lookup(m.msr, &t);
        policy_msr_bit_list(m.msr, list, sizeof list);
        if (!b && !list[0])
            return plex_error(lx, t.pos, "%s has no named bits", label);
        if (!b)
            return plex_error(lx, t.pos, "unknown %s bit '%s' (expected %s)", label, ptok_str(&t).s, list);
        m.mask = 1ULL << b->bit;
    }
    if (parse_value(c, &r, 1u << OPT_ARM | 1u << OPT_ON_DENY))
        return -1;
    m.action = r.action;
    m.arm = r.arm;
    m.on_deny = r.on_deny;
    msr_label(m.msr, m.mask, label, sizeof label);
    for (uint32_t i = 0; i < p->msr_count && i < POLICY_MAX_MSR; i++)
        if (p->msr[i].msr == m.msr && p->msr[i].mask == m.mask)
            return plex_error(lx, kpos, "duplicate rule for %s (first on line %u)", label,
                              p->msr[i].line);
    if (p->msr_count >= POLICY_MAX_MSR)
        return plex_error(lx, kpos, "too many MSR rules (at most %d)", POLICY_MAX_MSR);
    p->msr[p->msr_count++] = m;
    return 0;
}

int policy_parse_cr(struct pctx *c)
{
    struct plex *lx = &c->lx;
    struct policy *p = c->p;
    struct rule r;
    struct ptok t;
    char list[128];
    if (plex_word(lx, &t, "a control-register bit like CR0.WP"))
        return -1;
    size_t kpos = t.pos;
    bool cr0 = ptok_ieq(&t, "CR0");
    if (!cr0 && !ptok_ieq(&t, "CR4"))
        return plex_error(lx, t.pos, "unknown control register '%s' (expected CR0 or CR4)",
                          ptok_str(&t).s);
    unsigned cr = cr0 ? 0 : 4;
    if (lx->pos >= lx->n || lx->s[lx->pos] != '.')
        return plex_expect(lx, '.', cr0 ? "CR0 (CR0.BIT)" : "CR4 (CR4.BIT)");
    lx->pos++;
    if (plex_word(lx, &t, "a bit name"))
        return -1;
    const struct pbit *b = policy_cr_bit_lookup(cr, &t);
    if (!b) {
        policy_cr_bit_list(cr, list, sizeof list);
        return plex_error(lx, t.pos, "unknown CR%u bit '%s' (expected %s)", cr, ptok_str(&t).s,
                          list);
    }
    if (parse_value(c, &r, 1u << OPT_ARM | 1u << OPT_SHADOW))
        return -1;
    const struct policy_cr_rule *dup = policy_cr_rule(p, cr, b->bit);
    if (dup)
        return plex_error(lx, kpos, "duplicate rule for CR%u.%s (first on line %u)", cr, b->name,
                          dup->line);
    if (p->cr_count >= POLICY_MAX_CR)
        return plex_error(lx, kpos, "too many CR rules (at most %d)", POLICY_MAX_CR);
    p->cr[p->cr_count++] = (struct policy_cr_rule){(uint8_t)cr, b->bit, r.action, r.arm,
                                                   r.shadow, lx->line};
    return 0;
}
