/* policy-check FILE...: parse each policy file with the hypervisor's own
 * parser. Prints "file:line:column: error: ..." for the first error of a
 * file, or a summary of its rules. Exits 1 when any file is invalid or
 * unreadable, 0 otherwise. Built by scripts/build.mk (make check-policy). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/policy.h"

static void print_msr(const struct policy_msr_rule *r)
{
    const char *name = policy_msr_name(r->msr);
    const char *bit = r->mask == ~0ULL ? NULL
                                       : policy_msr_bit_name(r->msr, (unsigned)__builtin_ctzll(r->mask));
    char label[64];
    if (name)
        snprintf(label, sizeof label, "%s%s%s (0x%x)", name, bit ? "." : "", bit ? bit : "", r->msr);
    else
        snprintf(label, sizeof label, "0x%x", r->msr);
    printf("  line %-4u msr     %-34s %-5s %s", r->line, label, policy_action_name(r->action),
           policy_arm_name(r->arm));
    if (r->action == POLICY_DENY)
        printf("%*s on-deny=%s", 14 - (int)strlen(policy_arm_name(r->arm)), "",
               policy_on_deny_name(r->on_deny));
    printf("\n");
}

static void summary(const struct policy *p)
{
    static const char *const tables[POLICY_TABLE_COUNT] = {"idt", "gdt"};
    printf("  mode=%s on-error=%s arm=%s log=%s ", policy_mode_name(p->mode),
           policy_on_error_name(p->on_error), policy_arm_name(p->arm), policy_log_name(p->log));
    if (p->rate_per_sec)
        printf("rate-limit=%u/s burst=%u\n", p->rate_per_sec, p->rate_burst);
    else
        printf("rate-limit=off\n");
    for (uint32_t i = 0; i < p->mem_count; i++) {
        const struct policy_mem_rule *m = &p->mem[i];
        char label[64];
        if (m->kind == POLICY_MEM_KERNEL_IMAGE)
            snprintf(label, sizeof label, "kernel-image");
        else
            snprintf(label, sizeof label, "%s 0x%llx-0x%llx", m->kind == POLICY_MEM_GPA ? "gpa" : "gva",
                     (unsigned long long)m->start, (unsigned long long)m->end);
        printf("  line %-4u memory  %-34s %-5s %s\n", m->line, label,
               policy_action_name(m->action), policy_arm_name(m->arm));
    }
    for (int t = 0; t < POLICY_TABLE_COUNT; t++)
        if (p->table[t].present)
            printf("  line %-4u table   %-34s %-5s %s\n", p->table[t].line, tables[t],
                   policy_action_name(p->table[t].action), policy_arm_name(p->table[t].arm));
    for (uint32_t i = 0; i < p->msr_count; i++)
        print_msr(&p->msr[i]);
    for (uint32_t i = 0; i < p->cr_count; i++) {
        const struct policy_cr_rule *c = &p->cr[i];
        char label[32];
        snprintf(label, sizeof label, "CR%u.%s", c->cr, policy_cr_bit_name(c->cr, c->bit));
        printf("  line %-4u cr      %-34s %-5s %s", c->line, label,
               policy_action_name(c->action), policy_arm_name(c->arm));
        if (c->action == POLICY_DENY)
            printf("%*s shadow=%s", 14 - (int)strlen(policy_arm_name(c->arm)), "",
                   policy_shadow_name(c->shadow));
        printf("\n");
    }
    printf("  hypervisor memory: always denied\n");
}

/* Reads at most POLICY_MAX_SIZE + 1 bytes: enough for the parser to report
 * an oversized file. */
static int check(const char *path)
{
    static char text[POLICY_MAX_SIZE + 1];
    static struct policy p;
    struct policy_error err;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
        return 1;
    }
    size_t len = fread(text, 1, sizeof text, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: error: read failed\n", path);
        return 1;
    }
    if (policy_parse(text, len, path, &p, &err)) {
        /* err.file is truncated to POLICY_NAME_MAX; cite the whole path. */
        fprintf(stderr, "%s:%u:%u: error: %s\n", path, err.line, err.column, err.msg);
        return 1;
    }
    printf("%s: ok: %u memory, %d table, %u MSR, %u CR rules\n", path, p.mem_count,
           p.table[POLICY_TABLE_IDT].present + p.table[POLICY_TABLE_GDT].present, p.msr_count,
           p.cr_count);
    summary(&p);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= check(argv[i]);
    return rc;
}
