/* Policy keywords and the MSR and control-register names a policy can use.
 * Keyword tables are indexed by the matching enum. */
#include "hv/policy_int.h"

#define PNAMES(id, ...)                                                        \
    static const char *const id##_list[] = {__VA_ARGS__};                      \
    const struct pnames id = {id##_list, ARRAY_SIZE(id##_list)}

PNAMES(pn_mode, "enforce", "audit");
PNAMES(pn_on_error, "fail-closed", "fail-open");
PNAMES(pn_action, "allow", "log", "deny");
PNAMES(pn_arm, "at-launch", "on-first-write", "on-hypercall");
PNAMES(pn_log, "error", "warn", "info", "debug");
PNAMES(pn_on_deny, "gp", "drop");
PNAMES(pn_shadow, "actual", "attempted");

#define MSR_EFER 0xC0000080u

/* The first entry for a number is its canonical name; later ones are aliases. */
static const struct {
    const char *name;
    uint32_t msr;
} msrs[] = {
    {"IA32_APIC_BASE", 0x1B},
    {"IA32_FEATURE_CONTROL", 0x3A},
    {"IA32_SPEC_CTRL", 0x48},
    {"IA32_SYSENTER_CS", 0x174},
    {"IA32_SYSENTER_ESP", 0x175},
    {"IA32_SYSENTER_EIP", 0x176},
    {"IA32_MISC_ENABLE", 0x1A0},
    {"IA32_DEBUGCTL", 0x1D9},
    {"IA32_PAT", 0x277},
    {"IA32_S_CET", 0x6A2},
    {"IA32_PL0_SSP", 0x6A4},
    {"IA32_INTERRUPT_SSP_TABLE_ADDR", 0x6A8},
    {"IA32_EFER", MSR_EFER},
    {"IA32_STAR", 0xC0000081},
    {"IA32_LSTAR", 0xC0000082},
    {"IA32_CSTAR", 0xC0000083},
    {"IA32_FMASK", 0xC0000084},
    {"IA32_SFMASK", 0xC0000084},
    {"IA32_FS_BASE", 0xC0000100},
    {"IA32_GS_BASE", 0xC0000101},
    {"IA32_KERNEL_GS_BASE", 0xC0000102},
    {"IA32_TSC_AUX", 0xC0000103},
};

static const struct pbit msr_bits[] = {
    {MSR_EFER, 0, "SCE"}, {MSR_EFER, 8, "LME"}, {MSR_EFER, 10, "LMA"}, {MSR_EFER, 11, "NXE"},
};

/* Bits whose pinning makes sense: CR0.TS and CR4.PGE are toggled in normal
 * operation, CR4.VMXE is virtualized by Bulwark. */
static const struct pbit cr_bits[] = {
    {0, 0, "PE"},     {0, 5, "NE"},        {0, 16, "WP"},    {0, 18, "AM"},
    {0, 31, "PG"},    {4, 2, "TSD"},       {4, 3, "DE"},     {4, 4, "PSE"},
    {4, 5, "PAE"},    {4, 11, "UMIP"},     {4, 12, "LA57"},  {4, 16, "FSGSBASE"},
    {4, 17, "PCIDE"}, {4, 18, "OSXSAVE"},  {4, 20, "SMEP"},  {4, 21, "SMAP"},
    {4, 22, "PKE"},   {4, 23, "CET"},      {4, 24, "PKS"},
};

const char *policy_msr_name(uint32_t msr)
{
    for (size_t i = 0; i < ARRAY_SIZE(msrs); i++)
        if (msrs[i].msr == msr)
            return msrs[i].name;
    return NULL;
}

bool policy_msr_lookup(const struct ptok *t, uint32_t *msr)
{
    struct ptok bare = *t;
    if (t->n > 5 && ptok_ieq(&(struct ptok){t->p, 5, 0}, "IA32_")) {
        bare.p += 5;
        bare.n -= 5;
    }
    for (size_t i = 0; i < ARRAY_SIZE(msrs); i++) {
        if (ptok_ieq(&bare, msrs[i].name + 5)) {
            *msr = msrs[i].msr;
            return true;
        }
    }
    return false;
}

static const struct pbit *bit_lookup(const struct pbit *tab, size_t n, uint32_t reg,
                                     const struct ptok *t)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].reg == reg && ptok_ieq(t, tab[i].name))
            return &tab[i];
    return NULL;
}

static const char *bit_name(const struct pbit *tab, size_t n, uint32_t reg, unsigned bit)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].reg == reg && tab[i].bit == bit)
            return tab[i].name;
    return NULL;
}

static void bit_list(const struct pbit *tab, size_t n, uint32_t reg, char *buf, size_t size)
{
    const char *names[ARRAY_SIZE(cr_bits)];
    struct pnames list = {names, 0};
    for (size_t i = 0; i < n; i++)
        if (tab[i].reg == reg && list.count < ARRAY_SIZE(names))
            names[list.count++] = tab[i].name;
    pnames_list(&list, buf, size);
}

const struct pbit *policy_msr_bit_lookup(uint32_t msr, const struct ptok *t)
{
    return bit_lookup(msr_bits, ARRAY_SIZE(msr_bits), msr, t);
}

const struct pbit *policy_cr_bit_lookup(unsigned cr, const struct ptok *t)
{
    return bit_lookup(cr_bits, ARRAY_SIZE(cr_bits), cr, t);
}

const char *policy_msr_bit_name(uint32_t msr, unsigned bit)
{
    return bit_name(msr_bits, ARRAY_SIZE(msr_bits), msr, bit);
}

const char *policy_cr_bit_name(unsigned cr, unsigned bit)
{
    return bit_name(cr_bits, ARRAY_SIZE(cr_bits), cr, bit);
}

void policy_msr_bit_list(uint32_t msr, char *buf, size_t size)
{
    bit_list(msr_bits, ARRAY_SIZE(msr_bits), msr, buf, size);
}

void policy_cr_bit_list(unsigned cr, char *buf, size_t size)
{
    bit_list(cr_bits, ARRAY_SIZE(cr_bits), cr, buf, size);
}

static const char *name_of(const struct pnames *names, unsigned i)
{
    return i < names->count ? names->names[i] : NULL;
}

const char *policy_action_name(enum policy_action a) { return name_of(&pn_action, a); }
const char *policy_arm_name(enum policy_arm a) { return name_of(&pn_arm, a); }
const char *policy_mode_name(enum policy_mode m) { return name_of(&pn_mode, m); }
const char *policy_log_name(enum policy_log l) { return name_of(&pn_log, l); }
const char *policy_on_error_name(enum policy_on_error e) { return name_of(&pn_on_error, e); }
const char *policy_on_deny_name(enum policy_on_deny d) { return name_of(&pn_on_deny, d); }
const char *policy_shadow_name(enum policy_shadow s) { return name_of(&pn_shadow, s); }
