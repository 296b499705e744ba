#ifndef BULWARK_VMCS_INIT_H
#define BULWARK_VMCS_INIT_H

#include "hv/cpu.h"

/* How the guest starts: Multiboot 1 state (SDM-independent; Multiboot spec
 * 3.2 "Machine state"), 32-bit protected mode, paging off. */
struct guest_start {
    uint32_t rip, eax, ebx;
};

/* VMXON on this CPU (CR0/CR4 fixed bits applied, CR4.VMXE set). */
const char *vmx_enable(struct cpu *c);
/* Build this CPU's VMCS: controls, host state, guest state — the Multiboot
 * start for the boot CPU, or (start == NULL) an application processor in
 * the INIT state waiting for the guest's start-up IPI. */
const char *vmcs_init(struct cpu *c, uint64_t eptp, const struct guest_start *start);
/* Enter the guest (VMLAUNCH). Never returns: exits run the handlers, and a
 * failed entry ends the run with its diagnostic. */
__attribute__((noreturn)) void vmx_launch(struct cpu *c);

#endif
