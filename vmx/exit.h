/* What every VM-exit handler may use. Handlers are dispatched from one
 * table (vmx/exit_dispatch.c), one file per exit family. */
#ifndef BULWARK_VMX_EXIT_H
#define BULWARK_VMX_EXIT_H

#include "hv/cpu.h"
#include "hv/decode.h"

typedef void (*exit_handler_fn)(struct cpu *c, uint64_t qualification);

/* Advance guest RIP past the instruction that exited (length from the
 * VMCS) and drop STI/MOV-SS blocking, as completing it would. */
void guest_skip_instruction(void);
void guest_advance_rip(uint64_t len);
void guest_inject_exception(unsigned vector, bool has_error_code, uint32_t error_code);
static inline void guest_inject_ud(void) { guest_inject_exception(6, false, 0); }
static inline void guest_inject_gp0(void) { guest_inject_exception(13, true, 0); }
/* CPL is SS.DPL in VMX guest state (SDM 26.3.1.2). */
unsigned guest_cpl(void);
/* The mode the guest's code runs in now (hv/decode.h), and its width in
 * bits (16, 32 or 64). */
enum cpu_mode guest_cpu_mode(void);
unsigned guest_code_bits(void);

/* Handlers (vmx/exit_*.c) */
void exit_cpuid(struct cpu *c, uint64_t q);
void exit_msr_read(struct cpu *c, uint64_t q);
void exit_msr_write(struct cpu *c, uint64_t q);
void exit_cr_access(struct cpu *c, uint64_t q);
void exit_xsetbv(struct cpu *c, uint64_t q);
void exit_invd_wbinvd(struct cpu *c, uint64_t q);
void exit_vmx_instruction(struct cpu *c, uint64_t q);
void exit_vmcall(struct cpu *c, uint64_t q);
void exit_ept_violation(struct cpu *c, uint64_t q);
void exit_ept_misconfig(struct cpu *c, uint64_t q);
void exit_triple_fault(struct cpu *c, uint64_t q);
void exit_io(struct cpu *c, uint64_t q);
void exit_monitor_trap(struct cpu *c, uint64_t q);
void exit_exception_nmi(struct cpu *c, uint64_t q);
void exit_nmi_window(struct cpu *c, uint64_t q);
void exit_init(struct cpu *c, uint64_t q);
void exit_sipi(struct cpu *c, uint64_t q);

/* What INIT does to this CPU: reset; the BSP then runs from the reset
 * vector, an AP waits for SIPI (SDM Vol 3A 10.1.1). */
void guest_init_signal(struct cpu *c);
/* Unblock NMIs in root mode with an IRET to the next instruction. */
void host_nmi_unblock(void);
/* Entry path: deliver a pending guest NMI or open an NMI window. */
void nmi_prepare_entry(struct cpu *c);
void nmi_recheck_entry(struct cpu *c);
void exit_gdtr_idtr(struct cpu *c, uint64_t q);
void exit_ldtr_tr(struct cpu *c, uint64_t q);

#endif
