/* Descriptor-table registers: once a CPU's `idt`/`gdt` rule is armed, an
 * LIDT/LGDT on that CPU that changes the base or limit from the pinned
 * value is an attempt the policy judges (docs/policy.md, [tables]). Pins
 * are per CPU. */
#ifndef BULWARK_ENFORCE_DT_H
#define BULWARK_ENFORCE_DT_H

#include "hv/cpu.h"
#include "hv/policy.h"

enum dt_pin_state {
    DT_PIN_NONE,        /* pins as the rule arms (at-launch, HC_ARM, first load in protected mode) */
    DT_PIN_AFTER_RESET, /* INIT: pins at the next load with CR0.PE = 1, whatever the rule's arm */
    DT_PIN_SET,         /* base and limit hold the pinned value */
};

/* LIDT (t = IDT) or LGDT (GDT) of base/limit on CPU c. Returns true to
 * load it, false to skip the instruction (denied; the record is emitted).
 * An allowed change moves the pin and, when the table's contents are
 * armed, write-protects the table at its new place. */
bool enforce_dt_load(struct cpu *c, enum policy_table t, uint64_t base, uint16_t limit);
/* Forget CPU c's pins: called when the CPU is reset by INIT, whose
 * descriptor tables the kernel then builds again. */
void enforce_dt_cpu_reset(struct cpu *c);

#endif
