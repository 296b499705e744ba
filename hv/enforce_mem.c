/* Memory protection through EPT: the 4 KiB pages holding protected bytes
 * lose write permission (only those pages: large pages are split on demand
 * by ept_set_perm), for good. A write that faults there is decoded; if it
 * touches protected bytes the policy judges it (deny: the instruction is
 * skipped, nothing is written); a write the policy allows, or one to the
 * unprotected neighbours sharing the page, is emulated (vmx/emul_write.c),
 * or single-stepped (hv/enforce_step.c) when the emulator lacks the
 * instruction. */
#include "hv/enforce.h"
#include "hv/enforce_dt.h"
#include "hv/enforce_mem.h"
#include "hv/event.h"
#include "hv/guest_ept.h"
#include "hv/guest_mem.h"
#include "hv/log.h"
#include "hv/rendezvous.h"
#include "hv/enforce_step.h"
#include "hv/spinlock.h"
#include "hv/x86.h"
#include "vmx/emul_write.h"
#include "vmx/exit.h"
#include "vmx/guest_insn.h"
#include "vmx/guest_virt.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_insn.h"

#define MAX_PROT 128
#define PAGE 4096ull

struct prot_range {
    uint64_t gpa, len;
    enum policy_action action;
    uint32_t rule_line;
    const char *what;
};

static struct prot_range prot[MAX_PROT];
static unsigned nprot;
static struct spinlock prot_lock;

static void add_range(uint64_t gpa, uint64_t len, enum policy_action action, uint32_t line, const char *what)
{
    if (!len)
        return;
    /* Published before the page loses write permission, so a violation
     * on any CPU finds its range. */
    spin_lock(&prot_lock);
    unsigned n = nprot;
    for (unsigned i = 0; i < n; i++)
        if (prot[i].gpa == gpa && prot[i].len == len && prot[i].rule_line == line) {
            spin_unlock(&prot_lock);
            return;   /* a table reloaded at a place already protected */
        }
    if (n < MAX_PROT) {
        prot[n] = (struct prot_range){ gpa, len, action, line, what };
        __atomic_store_n(&nprot, n + 1, __ATOMIC_RELEASE);
    }
    spin_unlock(&prot_lock);
    if (n == MAX_PROT) {
        hv_log("policy line %u: more than %u protected ranges; %s at %lx not protected", line, MAX_PROT, what, gpa);
        return;
    }
    /* Allow rules need no exits, except in audit mode where every attempt
     * is reported. */
    if (action == POLICY_ALLOW && enforce.policy.mode != POLICY_AUDIT)
        return;
    uint64_t first = ALIGN_DOWN(gpa, PAGE), last = ALIGN_UP(gpa + len, PAGE);
    if (guest_ept_set(first, last - first, EPT_RX))
        hv_log("policy line %u: cannot write-protect %lx-%lx: %s", line, first, last - 1, guest_ept.err);
}

/* A guest-linear range, page by page through the guest's page tables. */
static void add_linear(uint64_t gva, uint64_t len, enum policy_action action, uint32_t line, const char *what)
{
    uint64_t end = gva + len;
    unsigned unmapped = 0;
    for (uint64_t va = gva; va < end && va >= gva;) {
        uint64_t chunk = MIN(end - va, PAGE - (va & (PAGE - 1))), gpa;
        if (guest_translate(va, 0, &gpa) == 0)
            add_range(gpa, chunk, action, line, what);
        else
            unmapped++;
        va += chunk;
    }
    if (unmapped)
        hv_log("policy line %u: %u page(s) of %s at %lx not mapped when armed; not protected", line, unmapped, what, gva);
}

void enforce_mem_protect_table(enum policy_table t, uint64_t base, uint64_t limit)
{
    const struct policy_table_rule *r = &enforce.policy.table[t];
    const char *what = t == POLICY_TABLE_IDT ? "idt" : "gdt";
    if (!limit) {
        hv_log("policy line %u: no %s loaded when the rule armed; nothing to protect", r->line, what);
        return;
    }
    add_linear(base, limit + 1, r->action, r->line, what);
}

void enforce_mem_arm(struct cpu *c, enum policy_arm when)
{
    struct policy *p = &enforce.policy;
    bool tables = false;
    for (unsigned i = 0; i < p->mem_count; i++) {
        const struct policy_mem_rule *r = &p->mem[i];
        if (r->arm != when || enforce.mem_armed[i])
            continue;
        enforce.mem_armed[i] = true;
        if (r->kind == POLICY_MEM_GPA)
            add_range(r->start, r->end - r->start + 1, r->action, r->line, "gpa");
        else if (r->kind == POLICY_MEM_GVA)
            add_linear(r->start, r->end - r->start + 1, r->action, r->line, "gva");
        else
            for (unsigned k = 0; k < enforce.text_count; k++)
                add_range(enforce.text[k].base, enforce.text[k].len, r->action, r->line, "kernel-image");
    }
    for (unsigned t = 0; t < POLICY_TABLE_COUNT; t++) {
        const struct policy_table_rule *r = &p->table[t];
        /* Descriptor-table contents arm with the rule's trigger; the first
         * write cannot be told apart from building the table, so
         * on-first-write tables arm with the hypercall (docs/policy.md). */
        enum policy_arm trigger = r->arm == POLICY_ARM_ON_FIRST_WRITE ? POLICY_ARM_ON_HYPERCALL : r->arm;
        if (r->present && trigger == when && !enforce.table_armed[t])
            enforce.table_armed[t] = tables = true;
    }
    if (!tables)
        return;
    /* Each CPU has its own tables (and IDTR/GDTR in its own VMCS): each
     * protects its own. */
    enforce_mem_arm_tables();
    for (unsigned i = 0; i < cpu_count; i++)
        if (&cpus[i] != c)
            cpu_request(c, &cpus[i], CPU_REQ_ARM_TABLES);
}

void enforce_mem_arm_tables(void)
{
    for (unsigned t = 0; t < POLICY_TABLE_COUNT; t++) {
        bool idt = t == POLICY_TABLE_IDT;
        /* A CPU still in real mode (out of reset) has no kernel table yet:
         * it is protected when the CPU loads one (hv/enforce_dt.c). */
        if (enforce.table_armed[t] && (vmread(GUEST_CR0) & CR0_PE))
            enforce_mem_protect_table(t, vmread(idt ? GUEST_IDTR_BASE : GUEST_GDTR_BASE),
                                      vmread(idt ? GUEST_IDTR_LIMIT : GUEST_GDTR_LIMIT));
    }
}

static const struct prot_range *find(uint64_t gpa, uint64_t len, bool page_only)
{
    uint64_t lo = page_only ? ALIGN_DOWN(gpa, PAGE) : gpa, hi = page_only ? lo + PAGE : gpa + len;
    const struct prot_range *best = NULL;
    unsigned n = __atomic_load_n(&nprot, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < n; i++)
        if (prot[i].gpa < hi && lo < prot[i].gpa + prot[i].len && (!best || prot[i].action > best->action))
            best = &prot[i];
    return best;
}

/* The policy's verdict on a write of `size` bytes at `gpa` that overlaps
 * protected range r: emits the record; true when the write is refused. */
static bool judge(struct cpu *c, const struct prot_range *r, uint64_t gpa, uint64_t gva, bool has_gva,
                  uint64_t size, const struct guest_insn *gi)
{
    struct event e = {
        .kind = "memory-write", .resource = r->what, .rule_line = r->rule_line, .gpa = gpa, .has_gpa = true,
        .gva = gva, .has_gva = has_gva, .access = "write", .size = (unsigned)size,
    };
    enforce_event_init(c, &e, gi);
    return enforce_verdict(r->action, &e);
}

/* The same for a write found after a single step: the record names the
 * stepped instruction, not where the guest is now. */
static bool judge_stepped(struct cpu *c, const struct prot_range *r, uint64_t gpa, uint64_t size)
{
    struct event e = {
        .kind = "memory-write", .resource = r->what, .rule_line = r->rule_line, .gpa = gpa, .has_gpa = true,
        .access = "write", .size = (unsigned)size,
    };
    enforce_event_init(c, &e, c->step_insn.status == 0 ? &c->step_insn : NULL);
    e.rip = c->step_rip;
    return enforce_verdict(r->action, &e);
}

void enforce_mem_after_step(struct cpu *c, uint64_t page, const uint8_t *before)
{
    /* Only deny rules: in enforce mode no step was ever allowed to write
     * them; in audit mode a step the policy judged before it ran already
     * has its record (log and allow ranges need none). */
    if (enforce.policy.mode == POLICY_AUDIT && c->step_judged)
        return;
    uint8_t *now = guest_phys_mem.ptr(guest_phys_mem.ctx, page, PAGE);
    unsigned n = __atomic_load_n(&nprot, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; now && i < n; i++) {
        if (prot[i].action != POLICY_DENY)
            continue;
        uint64_t lo = MAX(prot[i].gpa, page), hi = MIN(prot[i].gpa + prot[i].len, page + PAGE);
        if (lo >= hi || !memcmp(now + (lo - page), before + (lo - page), hi - lo))
            continue;
        uint64_t first = lo;
        while (now[first - page] == before[first - page])
            first++;
        if (judge_stepped(c, &prot[i], first, hi - first))
            memcpy(now + (lo - page), before + (lo - page), hi - lo);
    }
}

bool enforce_mem_emulated_write(struct cpu *c, uint64_t gpa, uint64_t gva, uint64_t len)
{
    const struct prot_range *r = find(gpa, len, false);
    return !r || !judge(c, r, gpa, gva, true, len, NULL);
}

int enforce_mem_check(uint64_t gpa, uint64_t len)
{
    return !find(gpa, 1, true) ? -1 : find(gpa, len, false) != NULL;
}

bool enforce_mem_write(struct cpu *c, uint64_t gpa, uint64_t q)
{
    if (!find(gpa, 1, true))
        return false;
    /* Written by the CPU while delivering an event (stack frame, accessed
     * bits), not by the instruction at RIP: let it through; the event is
     * re-injected by the dispatcher. */
    if (vmread(IDT_VECTORING_INFO) & INTR_INFO_VALID) {
        c->step_judged = false;
        enforce_step(c, gpa, NULL);
        return true;
    }
    struct guest_insn gi;
    bool decoded = guest_insn_current(&gi) == 0;
    /* The instruction's own write, not a paging-structure update by its
     * page walk (SDM Vol 3C Table 28-7, bits 7 and 8). */
    bool emulable = decoded && (q & EPT_QUAL_LINEAR_VALID) && (q & EPT_QUAL_TRANSLATED);
    uint64_t size = decoded && gi.insn.has_mem && gi.insn.mem_operand_size ? gi.insn.mem_operand_size : 1;
    struct emul_hit hit = { gpa, vmread(GUEST_LINEAR_ADDRESS), size };
    /* The bytes on the faulting page; another page the write reaches is
     * checked by the emulator with that page's own address. */
    const struct prot_range *r = find(gpa, MIN(size, PAGE - (gpa & (PAGE - 1))), false);
    if (!r && emulable) {
        enum emul_rc rc = emul_write(c, &gi.insn, EMUL_NO_PAGE, &hit);
        if (rc == EMUL_DONE)
            return true;
        if (rc == EMUL_PROTECTED)
            r = find(hit.gpa, hit.len, false);
    }
    bool deny = r && judge(c, r, hit.gpa, hit.gva, q & EPT_QUAL_LINEAR_VALID, hit.len, &gi);
    if (r && !deny && emulable) {
        /* Allowed (log, audit): emulate it, the judged page's protected
         * bytes included; protected bytes on another page are judged too. */
        enum emul_rc rc = emul_write(c, &gi.insn, ALIGN_DOWN(hit.gpa, PAGE), &hit);
        if (rc == EMUL_DONE)
            return true;
        const struct prot_range *r2 = rc == EMUL_PROTECTED ? find(hit.gpa, hit.len, false) : NULL;
        deny = r2 && judge(c, r2, hit.gpa, hit.gva, true, hit.len, &gi);
    }
    if (!deny) {
        c->step_judged = r != NULL;
        enforce_step(c, gpa, &gi);
    } else if (decoded)
        guest_advance_rip(gi.insn.length);
    else
        guest_inject_gp0();   /* cannot tell the instruction's length: fault it */
    return true;
}
