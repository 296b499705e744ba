/* The boot-time policy (docs/policy.md): what Bulwark protects in the guest
 * and how it reacts. policy_parse turns the text of a policy file (the
 * Multiboot2 module whose command line starts with "policy") into a
 * fixed-size struct policy; policy_default gives the built-in strict policy
 * used when no module is given. Shared code: no heap, no printing. */
#ifndef BULWARK_POLICY_H
#define BULWARK_POLICY_H

#include "hv/lib.h"

#define POLICY_MAX_MEM 64      /* [memory] rules */
#define POLICY_MAX_MSR 32      /* [msr] rules */
#define POLICY_MAX_CR 16       /* [cr] rules */
#define POLICY_MAX_LINE 256    /* characters per line, without the newline */
#define POLICY_MAX_SIZE 65536  /* bytes per file */
#define POLICY_MAX_RATE 1000000 /* rate-limit and burst upper bound */
#define POLICY_NAME_MAX 48     /* file name kept for citations (truncated) */
#define POLICY_MSG_MAX 160

enum policy_mode { POLICY_ENFORCE, POLICY_AUDIT };
enum policy_on_error { POLICY_FAIL_CLOSED, POLICY_FAIL_OPEN };
/* Ordered by strictness: when several rules match, the highest wins. */
enum policy_action { POLICY_ALLOW, POLICY_LOG, POLICY_DENY };
enum policy_arm { POLICY_ARM_AT_LAUNCH, POLICY_ARM_ON_FIRST_WRITE, POLICY_ARM_ON_HYPERCALL };
enum policy_log { POLICY_LOG_ERROR, POLICY_LOG_WARN, POLICY_LOG_INFO, POLICY_LOG_DEBUG };
enum policy_on_deny { POLICY_ON_DENY_GP, POLICY_ON_DENY_DROP };
enum policy_shadow { POLICY_SHADOW_ACTUAL, POLICY_SHADOW_ATTEMPTED };
enum policy_mem_kind { POLICY_MEM_GPA, POLICY_MEM_GVA, POLICY_MEM_KERNEL_IMAGE };
enum policy_table { POLICY_TABLE_IDT, POLICY_TABLE_GDT, POLICY_TABLE_COUNT };

/* Every rule records the 1-based line it came from, so that violation
 * records can cite "<source>:<line>". `arm` is the effective arming mode:
 * the rule's own arm= option, else the global default; memory rules never
 * hold ON_FIRST_WRITE (it is stored as ON_HYPERCALL). A table rule with
 * ON_FIRST_WRITE protects the table's contents from HC_ARM and pins each
 * CPU's IDTR/GDTR at its first LIDT/LGDT with paging on. */
struct policy_mem_rule {
    enum policy_mem_kind kind;
    enum policy_action action;
    enum policy_arm arm;
    uint64_t start, end; /* inclusive; unused for kernel-image */
    uint32_t line;
};

struct policy_table_rule {
    bool present;
    enum policy_action action;
    enum policy_arm arm;
    uint32_t line;
};

struct policy_msr_rule {
    uint32_t msr;
    uint64_t mask; /* ~0 for the whole register, one bit for NAME.BIT */
    enum policy_action action;
    enum policy_arm arm;
    enum policy_on_deny on_deny;
    uint32_t line;
};

struct policy_cr_rule {
    uint8_t cr; /* 0 or 4 */
    uint8_t bit;
    enum policy_action action;
    enum policy_arm arm;
    enum policy_shadow shadow;
    uint32_t line;
};

struct policy {
    enum policy_mode mode;
    enum policy_on_error on_error;
    enum policy_arm arm; /* default for rules without arm= */
    enum policy_log log;
    uint32_t rate_per_sec; /* violation records per second; 0 = unlimited */
    uint32_t rate_burst;   /* bucket size; 0 when unlimited */

    uint32_t mem_count;
    struct policy_mem_rule mem[POLICY_MAX_MEM];
    struct policy_table_rule table[POLICY_TABLE_COUNT]; /* by enum policy_table */
    uint32_t msr_count;
    struct policy_msr_rule msr[POLICY_MAX_MSR];
    uint32_t cr_count;
    struct policy_cr_rule cr[POLICY_MAX_CR];

    uint32_t hypervisor_line; /* line of the optional "hypervisor = deny", else 0 */
    char source[POLICY_NAME_MAX]; /* file name, "<built-in>" for the default */
};

struct policy_error {
    char file[POLICY_NAME_MAX];
    uint32_t line, column; /* 1-based; column counts bytes */
    char msg[POLICY_MSG_MAX];
    /* The on-error setting in effect when the error was found (it applies
     * from the line that sets it onwards, so it belongs at the top). */
    enum policy_on_error on_error;
};

/* Parses `len` bytes of `text` (no NUL terminator needed; a NUL byte is an
 * error). Returns 0 with *out filled, or -1 with *err describing the first
 * error and *out holding the global defaults and no rules. */
int policy_parse(const char *text, size_t len, const char *filename,
                 struct policy *out, struct policy_error *err);

/* "file:line:column: error: message" into buf; returns bw_snprintf's value. */
int policy_format_error(const struct policy_error *err, char *buf, size_t size);

/* The built-in strict policy (docs/policy.md, "Built-in default"). */
void policy_default(struct policy *out);

/* The strictest rule for `msr` whose mask intersects `changed` (pass ~0 for
 * "any rule on this MSR"); the earliest line wins ties. NULL when none. */
const struct policy_msr_rule *policy_msr_rule(const struct policy *p, uint32_t msr,
                                              uint64_t changed);
/* The rule pinning CR`cr` bit `bit`, or NULL. */
const struct policy_cr_rule *policy_cr_rule(const struct policy *p, unsigned cr, unsigned bit);

/* Names for messages and summaries; NULL when unknown. */
const char *policy_msr_name(uint32_t msr);             /* "IA32_LSTAR" */
const char *policy_msr_bit_name(uint32_t msr, unsigned bit); /* "NXE" */
const char *policy_cr_bit_name(unsigned cr, unsigned bit);   /* "WP" */
const char *policy_action_name(enum policy_action a);
const char *policy_arm_name(enum policy_arm a);
const char *policy_mode_name(enum policy_mode m);
const char *policy_log_name(enum policy_log l);
const char *policy_on_error_name(enum policy_on_error e);
const char *policy_on_deny_name(enum policy_on_deny d);
const char *policy_shadow_name(enum policy_shadow s);

#endif
