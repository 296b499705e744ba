#ifndef BULWARK_VMX_DIAG_H
#define BULWARK_VMX_DIAG_H

#include "hv/cpu.h"

const char *vmx_exit_reason_name(unsigned basic_reason);
const char *vmx_instruction_error_name(unsigned error);
const char *vmx_field_name(uint64_t field);

/* Print everything known about the guest and the exit, then end the run
 * as a hypervisor failure. */
__attribute__((noreturn)) void vmx_unexpected_exit(struct cpu *c, const char *why);
__attribute__((noreturn)) void vmx_entry_failure_exit(struct cpu *c, uint32_t reason);
void vmx_dump_guest_state(void);

#endif
