/* Policy files (docs/policy.md): the line loop, section headers, the
 * [global] keys, the built-in default policy and the rule lookups. */
#include "hv/policy_int.h"

enum section { SEC_GLOBAL, SEC_MEMORY, SEC_TABLES, SEC_MSR, SEC_CR, SEC_COUNT };
static const char *const section_list[] = {"global", "memory", "tables", "msr", "cr"};
static const struct pnames pn_section = {section_list, SEC_COUNT};

enum gkey { K_MODE, K_ON_ERROR, K_ARM, K_LOG, K_RATE, K_COUNT };
static const char *const gkey_list[] = {"mode", "on-error", "arm", "log", "rate-limit"};
static const struct pnames pn_gkey = {gkey_list, K_COUNT};

#define DEFAULT_RATE 100

struct file {
    struct pctx c;
    enum section sec; /* lines before the first header belong to [global] */
    uint32_t sec_line[SEC_COUNT];
    uint32_t key_line[K_COUNT];
    bool rules_started;
};

static void empty_policy(struct policy *p, const char *filename)
{
    memset(p, 0, sizeof *p);
    p->mode = POLICY_ENFORCE;
    p->on_error = POLICY_FAIL_CLOSED;
    p->arm = POLICY_ARM_AT_LAUNCH;
    p->log = POLICY_LOG_INFO;
    p->rate_per_sec = p->rate_burst = DEFAULT_RATE;
    bw_snprintf(p->source, sizeof p->source, "%s", filename);
}

static int parse_section(struct file *f)
{
    struct plex *lx = &f->c.lx;
    size_t pos;
    lx->pos++; /* '[' */
    int s = plex_choice(lx, &pn_section, "a section name", &pos);
    if (s < 0 || plex_expect(lx, ']', "the section name") || plex_end(lx))
        return -1;
    if (f->sec_line[s])
        return plex_error(lx, pos, "duplicate section [%s] (first on line %u)", section_list[s],
                          f->sec_line[s]);
    if (s == SEC_GLOBAL && f->rules_started)
        return plex_error(lx, pos, "[global] must come before the rule sections");
    f->sec_line[s] = lx->line;
    f->sec = (enum section)s;
    f->rules_started |= s != SEC_GLOBAL;
    return 0;
}

/* N/s [burst=N] or off */
static int parse_rate(struct plex *lx, struct policy *p)
{
    static const char what[] = "a rate like 100/s, or off";
    struct ptok t;
    uint64_t rate, burst;
    size_t pos;
    plex_ws(lx);
    if (lx->pos < lx->n && !(lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9')) {
        if (plex_word(lx, &t, what))
            return -1;
        if (!ptok_eq(&t, "off"))
            return plex_error(lx, t.pos, "expected %s, found '%s'", what, ptok_str(&t).s);
        p->rate_per_sec = p->rate_burst = 0;
        return 0;
    }
    if (plex_u64(lx, &rate, false, what, &pos))
        return -1;
    if (rate < 1 || rate > POLICY_MAX_RATE)
        return plex_error(lx, pos, "rate must be between 1 and %d per second", POLICY_MAX_RATE);
    if (plex_expect(lx, '/', "the rate"))
        return -1;
    if (plex_word(lx, &t, "'s' (per second)"))
        return -1;
    if (!ptok_eq(&t, "s"))
        return plex_error(lx, t.pos, "expected 's' (per second), found '%s'", ptok_str(&t).s);
    burst = rate;
    if (!plex_eol(lx)) {
        if (plex_word(lx, &t, "burst=N or the end of the line"))
            return -1;
        if (!ptok_eq(&t, "burst"))
            return plex_error(lx, t.pos, "expected burst=N or the end of the line, found '%s'",
                              ptok_str(&t).s);
        if (plex_expect(lx, '=', "'burst'") || plex_u64(lx, &burst, false, "a burst size", &pos))
            return -1;
        if (burst < 1 || burst > POLICY_MAX_RATE)
            return plex_error(lx, pos, "burst must be between 1 and %d", POLICY_MAX_RATE);
    }
    p->rate_per_sec = (uint32_t)rate;
    p->rate_burst = (uint32_t)burst;
    return 0;
}

static int parse_global(struct file *f)
{
    struct plex *lx = &f->c.lx;
    struct policy *p = f->c.p;
    char after[24];
    size_t pos;
    int k = plex_choice(lx, &pn_gkey, "a [global] key", &pos), v = 0;
    if (k < 0)
        return -1;
    if (f->key_line[k])
        return plex_error(lx, pos, "duplicate key '%s' (first set on line %u)", gkey_list[k],
                          f->key_line[k]);
    f->key_line[k] = lx->line;
    bw_snprintf(after, sizeof after, "'%s'", gkey_list[k]);
    if (plex_expect(lx, '=', after))
        return -1;
    switch (k) {
    case K_MODE:
        v = plex_choice(lx, &pn_mode, "a mode", &pos);
        p->mode = (enum policy_mode)v;
        break;
    case K_ON_ERROR:
        v = plex_choice(lx, &pn_on_error, "an error policy", &pos);
        p->on_error = (enum policy_on_error)v;
        break;
    case K_ARM:
        v = plex_choice(lx, &pn_arm, "an arming mode", &pos);
        p->arm = (enum policy_arm)v;
        break;
    case K_LOG:
        v = plex_choice(lx, &pn_log, "a log level", &pos);
        p->log = (enum policy_log)v;
        break;
    default:
        v = parse_rate(lx, p);
    }
    return v < 0 ? -1 : plex_end(lx);
}

static int parse_line(struct file *f)
{
    struct plex *lx = &f->c.lx;
    if (lx->s[lx->pos] == '[')
        return parse_section(f);
    switch (f->sec) {
    case SEC_GLOBAL:
        return parse_global(f);
    case SEC_MEMORY:
        return policy_parse_memory(&f->c);
    case SEC_TABLES:
        return policy_parse_tables(&f->c);
    case SEC_MSR:
        return policy_parse_msr(&f->c);
    default:
        return policy_parse_cr(&f->c);
    }
}

int policy_parse(const char *text, size_t len, const char *filename, struct policy *out,
                 struct policy_error *err)
{
    struct file f;
    int rc = 0;
    if (!filename)
        filename = "<policy>";
    memset(&f, 0, sizeof f);
    memset(err, 0, sizeof *err);
    bw_snprintf(err->file, sizeof err->file, "%s", filename);
    empty_policy(out, filename);
    f.c.p = out;
    plex_init(&f.c.lx, text, len, err);
    if (len > POLICY_MAX_SIZE) {
        f.c.lx.line = 1;
        rc = plex_error(&f.c.lx, 0, "file is larger than %d bytes", POLICY_MAX_SIZE);
    }
    /* Each line consumes at least one byte. */
    for (size_t i = 0; rc == 0 && i <= POLICY_MAX_SIZE; i++) {
        int more = plex_next_line(&f.c.lx);
        if (more <= 0) {
            rc = more;
            break;
        }
        if (!plex_eol(&f.c.lx))
            rc = parse_line(&f);
    }
    if (rc == 0)
        return 0;
    err->on_error = out->on_error;
    empty_policy(out, filename);
    return -1;
}

int policy_format_error(const struct policy_error *err, char *buf, size_t size)
{
    return bw_snprintf(buf, size, "%s:%u:%u: error: %s", err->file, err->line, err->column,
                       err->msg);
}

/* Kept in step with docs/policy.md, "Built-in default". It protects what
 * no kernel legitimately changes from launch on (its code, the hypervisor)
 * and arms the rest when the kernel says it is initialized (HC_ARM), so
 * unmodified kernels boot under it. */
static const char default_text[] =
    "[global]\n"
    "mode = enforce\n"
    "on-error = fail-closed\n"
    "arm = at-launch\n"
    "log = info\n"
    "rate-limit = 100/s burst=100\n"
    "[memory]\n"
    "kernel-image = deny\n"
    "[tables]\n"
    "idt = deny arm=on-hypercall\n"
    "gdt = deny arm=on-hypercall\n"
    "[msr]\n"
    "IA32_LSTAR = deny arm=on-hypercall\n"
    "IA32_STAR = deny arm=on-hypercall\n"
    "IA32_CSTAR = deny arm=on-hypercall\n"
    "IA32_FMASK = deny arm=on-hypercall\n"
    "IA32_SYSENTER_CS = deny arm=on-hypercall\n"
    "IA32_SYSENTER_ESP = deny arm=on-hypercall\n"
    "IA32_SYSENTER_EIP = deny arm=on-hypercall\n"
    "IA32_EFER.NXE = deny arm=on-hypercall\n"
    "IA32_EFER.SCE = deny arm=on-hypercall\n"
    "IA32_EFER.LME = deny arm=on-hypercall\n"
    "[cr]\n"
    "CR0.PE = deny arm=on-hypercall\n"
    "CR0.PG = deny arm=on-hypercall\n"
    "CR0.WP = deny arm=on-hypercall\n"
    "CR4.PAE = deny arm=on-hypercall\n"
    "CR4.SMEP = deny arm=on-hypercall\n"
    "CR4.SMAP = deny arm=on-hypercall\n"
    "CR4.UMIP = deny arm=on-hypercall\n";

void policy_default(struct policy *out)
{
    struct policy_error err;
    /* Cannot fail: tests/unit/test_policy.c parses this text. */
    (void)policy_parse(default_text, sizeof default_text - 1, "<built-in>", out, &err);
}

const struct policy_msr_rule *policy_msr_rule(const struct policy *p, uint32_t msr,
                                              uint64_t changed)
{
    const struct policy_msr_rule *best = NULL;
    for (uint32_t i = 0; i < p->msr_count && i < POLICY_MAX_MSR; i++) {
        const struct policy_msr_rule *r = &p->msr[i];
        if (r->msr == msr && (r->mask & changed) && (!best || r->action > best->action))
            best = r;
    }
    return best;
}

const struct policy_cr_rule *policy_cr_rule(const struct policy *p, unsigned cr, unsigned bit)
{
    for (uint32_t i = 0; i < p->cr_count && i < POLICY_MAX_CR; i++)
        if (p->cr[i].cr == cr && p->cr[i].bit == bit)
            return &p->cr[i];
    return NULL;
}
