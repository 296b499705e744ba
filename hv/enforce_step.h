/* The fallback for writes to a write-protected page that the emulator
 * (vmx/emul_write.c) does not handle: the instruction runs for one step
 * with write permission under the monitor trap flag, every other CPU held
 * outside guest mode meanwhile. */
#ifndef BULWARK_ENFORCE_STEP_H
#define BULWARK_ENFORCE_STEP_H

#include "hv/cpu.h"
#include "vmx/guest_insn.h"

/* Let the write at gpa through for one instruction. gi: the instruction,
 * NULL when the processor itself writes (event delivery); the first
 * fallback at each RIP is logged. */
void enforce_step(struct cpu *c, uint64_t gpa, const struct guest_insn *gi);
/* The single-stepped write completed: write-protect its page again. */
void enforce_mem_step_done(struct cpu *c);

#endif
