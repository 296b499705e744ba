#ifndef BULWARK_ENFORCE_MEM_H
#define BULWARK_ENFORCE_MEM_H

#include "hv/cpu.h"
#include "hv/policy.h"

/* Resolve and write-protect the memory and descriptor-table rules armed
 * by `when` (guest-virtual ranges through the guest's current paging). */
void enforce_mem_arm(struct cpu *c, enum policy_arm when);
/* After a single step on `page` (before: its contents before the step):
 * protected bytes the step changed are judged; denied, they get their old
 * value back (deny rules; in audit mode reported, unless judged before). The step may not be exactly the instruction that was judged
 * (writes during event delivery, instructions whose footprint Zydis
 * under-reports, code changed by another CPU): this holds regardless. */
void enforce_mem_after_step(struct cpu *c, uint64_t page, const uint8_t *before);
/* Protect the descriptor tables this CPU has loaded, for every armed table
 * rule (run by each CPU on its own VMCS when the rules arm). */
void enforce_mem_arm_tables(void);
/* A write EPT violation at `gpa`. Returns false when no protection covers
 * that page (an unexpected violation); otherwise the write was judged
 * where it touches protected bytes and either skipped, or emulated
 * (vmx/emul_write.c), or let through one instruction (hv/enforce_step.h). */
bool enforce_mem_write(struct cpu *c, uint64_t gpa, uint64_t qualification);
/* A write the hypervisor performs for an emulated instruction (SGDT, the
 * busy bit of LTR) to a page EPT write-protects: judged like the
 * processor's own write. Returns true when it may be written. */
bool enforce_mem_emulated_write(struct cpu *c, uint64_t gpa, uint64_t gva, uint64_t len);
/* Write-protect the descriptor table at linear base..base+limit under its
 * table rule (arming, or a table moved by an allowed LIDT/LGDT). */
void enforce_mem_protect_table(enum policy_table t, uint64_t base, uint64_t limit);
/* For an emulated write of len bytes at gpa in a page EPT write-protects:
 * 1 when it touches protected bytes, 0 when it touches only their
 * neighbours, -1 when no protection covers the page. */
int enforce_mem_check(uint64_t gpa, uint64_t len);

#endif
