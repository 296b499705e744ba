/* Guest processor state after INIT and after a start-up IPI, for CPUs the
 * guest starts and restarts itself (SDM Vol 3A 10.1.1 Table 10-1; 10.4.4;
 * Vol 3C 26.3.1.2: unrestricted guest lets the VMCS hold real mode). */
#ifndef BULWARK_GUEST_RESET_H
#define BULWARK_GUEST_RESET_H

#include "hv/cpu.h"

/* The INIT state in the current VMCS. `bsp`: the bootstrap processor runs
 * from the reset vector; an application processor waits for SIPI. */
void guest_reset_init_state(struct cpu *c, bool bsp);
/* SIPI with `vector`: real mode at vector:0000, active. */
void guest_reset_sipi(struct cpu *c, uint8_t vector);

#endif
