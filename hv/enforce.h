/* Policy enforcement: what the loaded policy protects, when each rule is
 * armed, and the verdict for each attempt. The exit handlers call the
 * enforce_* hooks; everything about rules and arming lives here. */
#ifndef BULWARK_ENFORCE_H
#define BULWARK_ENFORCE_H

#include "hv/cpu.h"
#include "hv/guest_loader.h"
#include "hv/multiboot2.h"
#include "hv/policy.h"

struct enforce_state {
    struct policy policy;
    bool protections_off;          /* policy error with on-error = fail-open */
    bool hypercall_armed;
    /* MSR rules by index, as bitmasks so the WRMSR exit path can tell in
     * one test that no rule is watching (POLICY_MAX_MSR == 32). Which
     * rules are armed is per CPU (struct cpu msr_armed/cr_armed). */
    uint32_t msr_armed;            /* armed on every CPU (at-launch, on-hypercall) */
    uint32_t msr_first_write;      /* arm on each CPU's first change */
    bool mem_armed[POLICY_MAX_MEM];
    bool table_armed[POLICY_TABLE_COUNT];
    struct phys_range text[GL_MAX_TEXT];   /* kernel-image segments */
    unsigned text_count;
};

extern struct enforce_state enforce;

/* Load the `policy` module (or the built-in default) and program the MSR
 * bitmap; a policy error ends the run unless the policy says fail-open. */
void enforce_load_policy(const struct boot_info *bi);
/* Remember what the loader placed (kernel text). */
void enforce_set_kernel(const struct guest_boot *boot);
/* Arm every at-launch rule; called right before VMLAUNCH. */
void enforce_launch(struct cpu *c);
/* HC_ARM: arm the on-hypercall rules, once. Returns false when refused. */
bool enforce_arm_hypercall(struct cpu *c);

/* Verdict for a rule: the policy's action, downgraded to "log" in audit
 * mode. Emits the record. Returns true when the attempt must be blocked. */
struct event;
bool enforce_verdict(enum policy_action action, struct event *e);
/* Fill cpu, rip, cpl and the instruction bytes of a record, from the
 * instruction the caller already decoded, or (NULL) by decoding it. */
struct guest_insn;
void enforce_event_init(struct cpu *c, struct event *e, const struct guest_insn *decoded);

/* Some armed or first-write rule watches writes to `msr`. */
bool enforce_msr_watched(uint32_t msr);
/* WRMSR of `value` to a protected MSR. Returns true to perform the write;
 * false to block it, with *gp telling whether to inject #GP. */
bool enforce_msr_write(struct cpu *c, uint32_t msr, uint64_t old, uint64_t value, bool *gp);

/* MOV to CR0/CR4 from `old` to *value. Returns false to refuse the write;
 * otherwise *keep_set holds pinned bits that stay set in the real register
 * while the guest sees *value (shadow = attempted). */
bool enforce_cr_write(struct cpu *c, unsigned cr, uint64_t old, uint64_t value, uint64_t *keep_set);
/* CR0/CR4 bits some rule pins: they go in the guest/host masks. */
uint64_t enforce_cr_mask(unsigned cr);

#endif
