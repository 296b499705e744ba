/* Host unit tests for the policy parser (hv/policy*.c, docs/policy.md): the
 * sample policies, the built-in default, every error class with its exact
 * position and message, and the lookups. Inputs are copied into buffers of
 * their exact size so that ASan catches any read past `len`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/policy.h"

#define EFER 0xC0000080u
#define LSTAR 0xC0000082u

static char repo_root[512] = ".";
static struct policy pol;
static struct policy_error perr;

static int parse_n(const char *text, size_t len)
{
    char *buf = malloc(len ? len : 1);
    assert_non_null(buf);
    memcpy(buf, text, len);
    int rc = policy_parse(buf, len, "t.policy", &pol, &perr);
    free(buf);
    return rc;
}

static int parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static void parse_ok(const char *text)
{
    if (parse(text)) {
        char msg[256];
        policy_format_error(&perr, msg, sizeof msg);
        fail_msg("unexpected error: %s", msg);
    }
}

struct bad {
    const char *text;
    const char *want; /* "line:column: message" */
};

static void check_errors(const struct bad *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char got[320], want[320];
        assert_int_equal(parse(cases[i].text), -1);
        policy_format_error(&perr, got, sizeof got);
        snprintf(want, sizeof want, "t.policy:%s", cases[i].want);
        if (strcmp(got, want) != 0)
            fail_msg("input %zu:\n  got  %s\n  want %s", i, got, want);
        /* On error *out holds no rules. */
        assert_int_equal(pol.mem_count + pol.msr_count + pol.cr_count, 0);
    }
}

static char *read_sample(const char *name, size_t *len)
{
    char path[640];
    snprintf(path, sizeof path, "%s/policies/%s", repo_root, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    static char text[POLICY_MAX_SIZE];
    *len = fread(text, 1, sizeof text, f);
    fclose(f);
    return text;
}

static void test_samples(void **state)
{
    (void)state;
    static const char *const names[] = {"audit.policy", "test.policy", "strict.policy"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        size_t len;
        const char *text = read_sample(names[i], &len);
        if (parse_n(text, len)) {
            char msg[256];
            policy_format_error(&perr, msg, sizeof msg);
            fail_msg("%s: %s", names[i], msg);
        }
    }
    /* strict.policy, parsed last */
    assert_int_equal(pol.mode, POLICY_ENFORCE);
    assert_int_equal(pol.on_error, POLICY_FAIL_CLOSED);
    assert_non_null(policy_msr_rule(&pol, LSTAR, ~0ULL));
    assert_non_null(policy_cr_rule(&pol, 0, 16));
}

/* test.policy uses every construct; check what each line turned into. */
static void test_test_policy(void **state)
{
    (void)state;
    size_t len;
    const char *text = read_sample("test.policy", &len);
    assert_int_equal(parse_n(text, len), 0);
    assert_string_equal(pol.source, "t.policy");
    assert_int_equal(pol.arm, POLICY_ARM_ON_FIRST_WRITE);
    assert_int_equal(pol.log, POLICY_LOG_WARN);
    assert_int_equal(pol.rate_per_sec, 10);
    assert_int_equal(pol.rate_burst, 5);
    assert_int_equal(pol.mem_count, 5);
    assert_int_equal(pol.mem[0].kind, POLICY_MEM_GPA);
    assert_int_equal(pol.mem[0].start, 0x100000);
    assert_int_equal(pol.mem[0].end, 0x1fffff);
    /* on-first-write (the global default here) arms memory at HC_ARM. */
    assert_int_equal(pol.mem[0].arm, POLICY_ARM_ON_HYPERCALL);
    assert_int_equal(pol.mem[0].line, 11);
    assert_int_equal(pol.mem[1].start, 0x400000);
    assert_int_equal(pol.mem[1].end, 0x40ffff);
    assert_int_equal(pol.mem[1].action, POLICY_LOG);
    assert_int_equal(pol.mem[1].arm, POLICY_ARM_AT_LAUNCH);
    assert_int_equal(pol.mem[3].kind, POLICY_MEM_GVA);
    assert_int_equal(pol.mem[3].end, 0xffffffff811fffffULL);
    assert_int_equal(pol.mem[4].kind, POLICY_MEM_KERNEL_IMAGE);
    assert_int_not_equal(pol.hypervisor_line, 0);
    assert_true(pol.table[POLICY_TABLE_IDT].present);
    assert_int_equal(pol.table[POLICY_TABLE_IDT].arm, POLICY_ARM_AT_LAUNCH);
    assert_int_equal(pol.table[POLICY_TABLE_GDT].action, POLICY_LOG);
    assert_int_equal(pol.table[POLICY_TABLE_GDT].arm, POLICY_ARM_ON_FIRST_WRITE); /* tables keep it */
    assert_int_equal(pol.mem[0].arm, POLICY_ARM_ON_HYPERCALL);                  /* memory does not */
    assert_int_equal(pol.msr[0].arm, POLICY_ARM_ON_FIRST_WRITE);
    assert_int_equal(pol.msr_count, 8);
    assert_int_equal(pol.msr[0].on_deny, POLICY_ON_DENY_DROP);
    assert_int_equal(pol.msr[1].msr, 0xC0000081u); /* ia32_star */
    assert_int_equal(pol.msr[2].msr, 0xC0000083u);
    assert_int_equal(pol.msr[3].msr, 0xC0000084u); /* SFMASK */
    assert_int_equal(pol.msr[3].action, POLICY_ALLOW);
    assert_int_equal(pol.msr[7].msr, 0x40000000u);
    assert_int_equal(pol.cr_count, 4);
    assert_int_equal(pol.cr[0].shadow, POLICY_SHADOW_ATTEMPTED);
    assert_int_equal(pol.cr[1].shadow, POLICY_SHADOW_ACTUAL);
    assert_int_equal(pol.cr[2].cr, 4);
    assert_int_equal(pol.cr[2].bit, 20);
    assert_int_equal(pol.cr[2].arm, POLICY_ARM_ON_HYPERCALL);
}

static void test_default(void **state)
{
    (void)state;
    policy_default(&pol);
    assert_string_equal(pol.source, "<built-in>");
    assert_int_equal(pol.mode, POLICY_ENFORCE);
    assert_int_equal(pol.on_error, POLICY_FAIL_CLOSED);
    assert_int_equal(pol.mem_count, 1);
    assert_int_equal(pol.mem[0].kind, POLICY_MEM_KERNEL_IMAGE);
    assert_true(pol.table[POLICY_TABLE_IDT].present && pol.table[POLICY_TABLE_GDT].present);
    assert_int_equal(pol.msr_count, 10);
    assert_int_equal(pol.cr_count, 7);
    const struct policy_msr_rule *r = policy_msr_rule(&pol, LSTAR, ~0ULL);
    assert_non_null(r);
    assert_int_equal(r->action, POLICY_DENY);
    assert_int_equal(r->arm, POLICY_ARM_ON_HYPERCALL);
    assert_int_equal(pol.mem[0].arm, POLICY_ARM_AT_LAUNCH);   /* kernel code from launch on */
    assert_null(policy_msr_rule(&pol, 0x277, ~0ULL)); /* PAT is not in the default */
    assert_non_null(policy_cr_rule(&pol, 4, 20));     /* SMEP */
    assert_int_equal(policy_cr_rule(&pol, 4, 20)->arm, POLICY_ARM_ON_HYPERCALL);
}

static void test_modes(void **state)
{
    (void)state;
    parse_ok("");
    assert_int_equal(pol.mode, POLICY_ENFORCE);
    assert_int_equal(pol.arm, POLICY_ARM_AT_LAUNCH);
    assert_int_equal(pol.log, POLICY_LOG_INFO);
    assert_int_equal(pol.rate_per_sec, 100);
    parse_ok("mode = audit\n");
    assert_int_equal(pol.mode, POLICY_AUDIT);
    parse_ok("[global]\nmode\t=\tenforce   # comment\n\n  # only a comment\r\n");
    assert_int_equal(pol.mode, POLICY_ENFORCE);
    parse_ok("rate-limit = off\nlog = debug");
    assert_int_equal(pol.rate_per_sec, 0);
    assert_int_equal(pol.rate_burst, 0);
    assert_int_equal(pol.log, POLICY_LOG_DEBUG);
    parse_ok("rate-limit = 250 / s");
    assert_int_equal(pol.rate_burst, 250);
    /* on-error applies from its own line on. */
    assert_int_equal(parse("on-error = fail-open\nbogus = 1\n"), -1);
    assert_int_equal(perr.on_error, POLICY_FAIL_OPEN);
    assert_int_equal(parse("bogus = 1\non-error = fail-open\n"), -1);
    assert_int_equal(perr.on_error, POLICY_FAIL_CLOSED);
}

static void test_msr_names_and_bits(void **state)
{
    (void)state;
    parse_ok("[msr]\n0xc0000082 = deny\n");
    assert_int_equal(pol.msr[0].msr, LSTAR);
    assert_int_equal(pol.msr[0].mask, ~0ULL);
    assert_int_equal(pol.msr[0].on_deny, POLICY_ON_DENY_GP); /* the default */
    parse_ok("[msr]\nEFER.NXE = deny\nIA32_EFER.LME = deny on-deny=drop\nefer = log\n");
    assert_int_equal(pol.msr[0].mask, 1ULL << 11);
    assert_int_equal(pol.msr[1].mask, 1ULL << 8);
    /* Strictest matching rule wins; ties go to the earliest line. */
    assert_ptr_equal(policy_msr_rule(&pol, EFER, 1ULL << 11), &pol.msr[0]);
    assert_ptr_equal(policy_msr_rule(&pol, EFER, 1ULL << 8 | 1ULL << 11), &pol.msr[0]);
    assert_ptr_equal(policy_msr_rule(&pol, EFER, 1ULL << 0), &pol.msr[2]);
    assert_null(policy_msr_rule(&pol, LSTAR, ~0ULL));
    assert_string_equal(policy_msr_name(0xC0000084), "IA32_FMASK");
    assert_string_equal(policy_msr_name(0x174), "IA32_SYSENTER_CS");
    assert_null(policy_msr_name(0x12345));
    assert_string_equal(policy_msr_bit_name(EFER, 11), "NXE");
    assert_null(policy_msr_bit_name(LSTAR, 0));
    assert_string_equal(policy_cr_bit_name(0, 16), "WP");
    assert_string_equal(policy_cr_bit_name(4, 21), "SMAP");
    assert_null(policy_cr_bit_name(0, 3)); /* CR0.TS cannot be pinned */
    /* A name and a number for the same MSR are the same rule. */
    static const struct bad dup[] = {
        {"[msr]\nIA32_LSTAR = deny\n0xC0000082 = log", "3:1: error: duplicate rule for IA32_LSTAR (first on line 2)"},
        {"[msr]\nEFER.NXE = deny\nia32_efer.nxe = log", "3:1: error: duplicate rule for IA32_EFER.NXE (first on line 2)"},
    };
    check_errors(dup, 2);
}

static void test_arm_override(void **state)
{
    (void)state;
    parse_ok("arm = on-hypercall\n[tables]\nidt = deny\ngdt = deny arm=at-launch\n"
             "[cr]\nCR0.WP = deny arm=on-first-write\nCR4.SMEP = log\n");
    assert_int_equal(pol.table[POLICY_TABLE_IDT].arm, POLICY_ARM_ON_HYPERCALL);
    assert_int_equal(pol.table[POLICY_TABLE_GDT].arm, POLICY_ARM_AT_LAUNCH);
    assert_int_equal(pol.cr[0].arm, POLICY_ARM_ON_FIRST_WRITE);
    assert_int_equal(pol.cr[1].arm, POLICY_ARM_ON_HYPERCALL);
    parse_ok("arm = on-hypercall\n[memory]\ngva 0xffff800000000000+4K = deny\n");
    assert_int_equal(pol.mem[0].arm, POLICY_ARM_ON_HYPERCALL);
    parse_ok("[memory]\ngva 0x1000+4K = deny arm=on-first-write\n");
    assert_int_equal(pol.mem[0].arm, POLICY_ARM_ON_HYPERCALL);
}

static void test_hypervisor_rule(void **state)
{
    (void)state;
    parse_ok("[memory]\nhypervisor = deny\n");
    assert_int_equal(pol.hypervisor_line, 2);
    static const struct bad cases[] = {
        {"[memory]\nhypervisor = allow", "2:14: error: the hypervisor's own memory is always denied; it cannot be 'allow'"},
        {"[memory]\nhypervisor   =   log", "2:18: error: the hypervisor's own memory is always denied; it cannot be 'log'"},
        {"[memory]\nhypervisor = deny arm=at-launch", "2:19: error: unknown option 'arm' (this rule takes none)"},
        {"[memory]\nhypervisor = deny\nhypervisor = deny", "3:1: error: duplicate rule for hypervisor (first on line 2)"},
    };
    check_errors(cases, ARRAY_SIZE(cases));
}

static void test_lexical_errors(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"mode = a\xc3\xa9", "1:9: error: non-ASCII byte 0xc3"},
        {"mode = audit\n\x01", "2:1: error: control character 0x01"},
        {"# ok\nmode = audit\x7f", "2:13: error: control character 0x7f"},
        {"mode = a\rudit", "1:9: error: carriage return not followed by a newline"},
        {"# \x80 in a comment", "1:3: error: non-ASCII byte 0x80"},
    };
    check_errors(cases, ARRAY_SIZE(cases));
    assert_int_equal(parse_n("mode = a\0udit", 13), -1);
    assert_string_equal(perr.msg, "NUL byte");
    assert_int_equal(perr.column, 9);
    /* Never read past len: the truncated word is what is reported. */
    assert_int_equal(parse_n("mode = audit", 8), -1);
    assert_string_equal(perr.msg, "expected a mode (enforce or audit), found 'a'");
    char line[POLICY_MAX_LINE + 2];
    memset(line, '#', sizeof line);
    line[POLICY_MAX_LINE] = '\n';
    assert_int_equal(parse_n(line, POLICY_MAX_LINE + 1), 0);
    assert_int_equal(parse_n(line, POLICY_MAX_LINE), 0);
    line[POLICY_MAX_LINE] = '#';
    assert_int_equal(parse_n(line, sizeof line), -1);
    assert_int_equal(perr.column, POLICY_MAX_LINE + 1);
    assert_string_equal(perr.msg, "line is longer than 256 characters");
    static char big[POLICY_MAX_SIZE + 1];
    memset(big, '\n', sizeof big);
    assert_int_equal(parse_n(big, POLICY_MAX_SIZE), 0);
    assert_int_equal(parse_n(big, sizeof big), -1);
    assert_string_equal(perr.msg, "file is larger than 65536 bytes");
}

static void test_syntax_errors(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"mode enforce", "1:6: error: expected '=' after 'mode', found 'enforce'"},
        {"mode", "1:5: error: expected '=' after 'mode', found end of line"},
        {"mode = enforce extra", "1:16: error: unexpected 'extra'"},
        {"mode = enforcee", "1:8: error: expected a mode (enforce or audit), found 'enforcee'"},
        {"bogus = 1", "1:1: error: expected a [global] key (mode, on-error, arm, log or rate-limit), found 'bogus'"},
        {"mode = audit\nlog = info\nmode = enforce", "3:1: error: duplicate key 'mode' (first set on line 1)"},
        {"[foo]", "1:2: error: expected a section name (global, memory, tables, msr or cr), found 'foo'"},
        {"[msr", "1:5: error: expected ']' after the section name, found end of line"},
        {"[msr] x", "1:7: error: unexpected 'x'"},
        {"[msr]\n[msr]", "2:2: error: duplicate section [msr] (first on line 1)"},
        {"[cr]\n[global]", "2:2: error: [global] must come before the rule sections"},
        {"[tables]\nidt deny", "2:5: error: expected '=' after the rule's target, found 'deny'"},
        {"[tables]\nidt = permit", "2:7: error: expected an action (allow, log or deny), found 'permit'"},
        {"[tables]\nidt = deny arm", "2:15: error: expected '=' after 'arm', found end of line"},
        {"[tables]\nidt = deny arm=later", "2:16: error: expected an arming mode (at-launch, on-first-write or on-hypercall), found 'later'"},
        {"[tables]\nidt = deny\nidt = log", "3:1: error: duplicate rule for idt (first on line 2)"},
        {"[tables]\nldt = deny", "2:1: error: expected a descriptor table (idt or gdt), found 'ldt'"},
        {"rate-limit = 0/s", "1:14: error: rate must be between 1 and 1000000 per second"},
        {"rate-limit = 5/m", "1:16: error: expected 's' (per second), found 'm'"},
        {"rate-limit = 5/s burst=0", "1:24: error: burst must be between 1 and 1000000"},
        {"rate-limit = 5/s bust=3", "1:18: error: expected burst=N or the end of the line, found 'bust'"},
        {"rate-limit = never", "1:14: error: expected a rate like 100/s, or off, found 'never'"},
    };
    check_errors(cases, ARRAY_SIZE(cases));
}

static void test_memory_errors(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"[memory]\ngpa 0x2000-0x1000 = deny", "2:12: error: range end 0x1000 is below its start 0x2000"},
        {"[memory]\ngva 0xfffffffffffff000+0x2000 = deny arm=on-hypercall", "2:24: error: range wraps past the end of the 64-bit address space"},
        {"[memory]\ngpa 0x1000+0 = deny", "2:12: error: empty range (length 0)"},
        {"[memory]\ngpa 0x10000000000000+1 = deny", "2:22: error: range ends at 0x10000000000000, beyond the 52-bit physical address space"},
        {"[memory]\ngpa 0x1g+1 = deny", "2:8: error: unexpected 'g' in number"},
        {"[memory]\ngpa 0x+1 = deny", "2:7: error: expected hex digits after '0x'"},
        {"[memory]\ngpa 99999999999999999999+1 = deny", "2:5: error: number does not fit in 64 bits"},
        {"[memory]\ngpa 0x1+0xFFFFFFFFFFFFFFFFK = deny", "2:9: error: number does not fit in 64 bits"},
        {"[memory]\ngpa = deny", "2:5: error: expected a start address, found '='"},
        {"[memory]\ngpa 0x1000 0x2000 = deny", "2:12: error: expected '-' after the start address (START-END or BASE+LENGTH), found '0x2000'"},
        {"[memory]\ngpa 0x1000-0x1fff = deny\ngpa 0x1800+0x100 = log", "3:5: error: range overlaps the gpa range on line 2"},
        {"[memory]\ngva 0x1000+1 = deny", "2:1: error: gva ranges are translated through the guest's page tables when they arm, so they cannot arm at-launch"},
        {"[memory]\ngva 0x1000+1 = deny arm=at-launch", "2:25: error: gva ranges are translated through the guest's page tables when they arm, so they cannot arm at-launch"},
        {"[memory]\nkernel-image = deny\nkernel-image = log", "3:1: error: duplicate rule for kernel-image (first on line 2)"},
        {"[memory]\nkernel-image = deny on-deny=gp", "2:21: error: unknown option 'on-deny' (expected arm)"},
        {"[memory]\nkernel = deny", "2:1: error: expected a memory target (gpa, gva, kernel-image or hypervisor), found 'kernel'"},
    };
    check_errors(cases, ARRAY_SIZE(cases));
    /* Adjacent ranges do not overlap; gpa and gva ranges are independent. */
    parse_ok("[memory]\ngpa 0x1000-0x1fff = deny\ngpa 0x2000+4K = deny\n"
             "gva 0x1000+4K = deny arm=on-hypercall\ngpa 0xFFFFFFFFFF000+4K = log");
    assert_int_equal(pol.mem_count, 4);
    assert_int_equal(pol.mem[3].end, 0xFFFFFFFFFFFFFULL);
}

static void test_msr_cr_errors(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"[msr]\n0x100000000 = deny", "2:1: error: MSR number 0x100000000 does not fit in 32 bits"},
        {"[msr]\nIA32_FOO = deny", "2:1: error: unknown MSR 'IA32_FOO' (give its number, e.g. 0xc0000082)"},
        {"[msr]\nIA32_LSTAR.NXE = deny", "2:12: error: IA32_LSTAR has no named bits"},
        {"[msr]\nEFER.FOO = deny", "2:6: error: unknown IA32_EFER bit 'FOO' (expected SCE, LME, LMA or NXE)"},
        {"[msr]\nIA32_LSTAR = deny on-deny=gp on-deny=drop", "2:30: error: duplicate option 'on-deny'"},
        {"[msr]\nIA32_LSTAR = log on-deny=drop", "2:26: error: 'on-deny' only applies to deny rules"},
        {"[msr]\nIA32_LSTAR = deny on-deny=ud", "2:27: error: expected a deny reaction (gp or drop), found 'ud'"},
        {"[msr]\nIA32_LSTAR = deny shadow=actual", "2:19: error: unknown option 'shadow' (expected arm or on-deny)"},
        {"[cr]\nCR3.PG = deny", "2:1: error: unknown control register 'CR3' (expected CR0 or CR4)"},
        {"[cr]\nCR0 = deny", "2:5: error: expected '.' after CR0 (CR0.BIT), found '='"},
        {"[cr]\nCR0.TS = deny", "2:5: error: unknown CR0 bit 'TS' (expected PE, NE, WP, AM or PG)"},
        {"[cr]\nCR0.WP = deny\ncr0.wp = log", "3:1: error: duplicate rule for CR0.WP (first on line 2)"},
        {"[cr]\nCR0.WP = allow shadow=attempted", "2:23: error: 'shadow' only applies to deny rules"},
    };
    check_errors(cases, ARRAY_SIZE(cases));
}

/* Exactly the limit parses; one more is an error on that rule's line. */
static void test_limits(void **state)
{
    (void)state;
    static char text[16384];
    static const char *const cr_bits[] = {"PE", "NE", "WP", "AM", "PG", "TSD", "DE", "PSE", "PAE",
                                          "UMIP", "LA57", "FSGSBASE", "PCIDE", "OSXSAVE", "SMEP", "SMAP"};
    size_t n = (size_t)snprintf(text, sizeof text, "[memory]\n");
    for (int i = 0; i < POLICY_MAX_MEM; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "gpa 0x%x+4K = deny\n", i * 0x1000);
    parse_ok(text);
    assert_int_equal(pol.mem_count, POLICY_MAX_MEM);
    snprintf(text + n, sizeof text - n, "kernel-image = deny\n");
    assert_int_equal(parse(text), -1);
    assert_string_equal(perr.msg, "too many memory rules (at most 64)");
    assert_int_equal(perr.line, POLICY_MAX_MEM + 2);

    n = (size_t)snprintf(text, sizeof text, "[msr]\n");
    for (int i = 0; i < POLICY_MAX_MSR; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "0x%x = log\n", 0x40000000 + i);
    parse_ok(text);
    assert_int_equal(pol.msr_count, POLICY_MAX_MSR);
    snprintf(text + n, sizeof text - n, "  IA32_LSTAR = deny\n");
    assert_int_equal(parse(text), -1);
    assert_string_equal(perr.msg, "too many MSR rules (at most 32)");
    assert_int_equal(perr.line, POLICY_MAX_MSR + 2);
    assert_int_equal(perr.column, 3);

    n = (size_t)snprintf(text, sizeof text, "[cr]\n");
    for (int i = 0; i < POLICY_MAX_CR; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "CR%d.%s = deny\n", i < 5 ? 0 : 4,
                              cr_bits[i]);
    parse_ok(text);
    assert_int_equal(pol.cr_count, POLICY_MAX_CR);
    snprintf(text + n, sizeof text - n, "CR4.PKE = deny\n"); /* a 17th distinct bit */
    assert_int_equal(parse(text), -1);
    assert_string_equal(perr.msg, "too many CR rules (at most 16)");
}

static void test_format_error(void **state)
{
    (void)state;
    char buf[256];
    assert_int_equal(policy_parse("x", 1, "/boot/bulwark.policy", &pol, &perr), -1);
    policy_format_error(&perr, buf, sizeof buf);
    assert_string_equal(buf, "/boot/bulwark.policy:1:1: error: expected a [global] key "
                             "(mode, on-error, arm, log or rate-limit), found 'x'");
    assert_int_equal(policy_parse(NULL, 0, NULL, &pol, &perr), 0);
    assert_string_equal(pol.source, "<policy>");
}

int main(int argc, char **argv)
{
    /* Samples are found from the repository root: the current directory, or
     * two levels above build/unit/test_policy. */
    FILE *f = fopen("policies/strict.policy", "rb");
    if (f) {
        fclose(f);
    } else if (argc > 0) {
        const char *slash = strrchr(argv[0], '/');
        int dir = slash ? (int)(slash - argv[0]) : 1;
        snprintf(repo_root, sizeof repo_root, "%.*s/../..", dir, slash ? argv[0] : ".");
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples), cmocka_unit_test(test_test_policy),
        cmocka_unit_test(test_default), cmocka_unit_test(test_modes),
        cmocka_unit_test(test_msr_names_and_bits), cmocka_unit_test(test_arm_override),
        cmocka_unit_test(test_hypervisor_rule), cmocka_unit_test(test_lexical_errors),
        cmocka_unit_test(test_syntax_errors), cmocka_unit_test(test_memory_errors),
        cmocka_unit_test(test_msr_cr_errors), cmocka_unit_test(test_limits),
        cmocka_unit_test(test_format_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
