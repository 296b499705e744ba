/* The hypervisor's own use of the local APIC: its ID and IPIs to one CPU
 * (INIT, SIPI, NMI). The guest owns the APIC, so every call reads
 * IA32_APIC_BASE for the current mode and base (SDM Vol 3A 11.4.4, 11.12). */
#ifndef BULWARK_LAPIC_H
#define BULWARK_LAPIC_H

#include "hv/lib.h"

/* IA32_APIC_BASE fields (SDM Vol 3A 11.4.4, 11.12.1) */
#define APIC_BASE_BSP    (1ull << 8)
#define APIC_BASE_EXTD   (1ull << 10)   /* x2APIC mode */
#define APIC_BASE_EN     (1ull << 11)
#define APIC_BASE_ADDR   0xFFFFFF000ull

/* Registers: xAPIC MMIO offsets, x2APIC MSRs (SDM Vol 3A Table 11-1, 11-6) */
#define XAPIC_ID         0x020
#define XAPIC_ICR_LOW    0x300
#define XAPIC_ICR_HIGH   0x310
#define MSR_X2APIC_ID    0x802
#define MSR_X2APIC_ICR   0x830

/* ICR delivery modes (SDM Vol 3A 11.6.1, Figure 11-12) */
#define ICR_NMI          (4u << 8)
#define ICR_INIT         (5u << 8)
#define ICR_STARTUP      (6u << 8)
#define ICR_LEVEL_ASSERT (1u << 14)

uint32_t lapic_id(void);
/* Send one IPI; false when this CPU's APIC is globally disabled or the
 * previous IPI never left. */
bool lapic_send(uint32_t apic_id, uint32_t icr_low);

#endif
