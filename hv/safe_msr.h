#ifndef BULWARK_SAFE_MSR_H
#define BULWARK_SAFE_MSR_H

#include <stdbool.h>
#include <stdint.h>

/* 0, or -1 when the CPU raised #GP (unknown MSR, reserved bits). */
int safe_rdmsr(uint32_t msr, uint64_t *value);
int safe_wrmsr(uint32_t msr, uint64_t value);

extern const char safe_rdmsr_insn[], safe_wrmsr_insn[], safe_msr_fault[];

/* Redirects a #GP raised by one of the guarded instructions. */
static inline bool safe_msr_fixup(uint64_t *rip)
{
    if (*rip != (uint64_t)safe_rdmsr_insn && *rip != (uint64_t)safe_wrmsr_insn)
        return false;
    *rip = (uint64_t)safe_msr_fault;
    return true;
}

#endif
