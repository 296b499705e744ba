#ifndef BULWARK_VMX_BITMAPS_H
#define BULWARK_VMX_BITMAPS_H

#include "hv/lib.h"

/* The MSR bitmap and I/O bitmaps (SDM 25.6.4, 25.6.9), shared by every CPU.
 * Bits start clear: nothing exits until a protection asks for it. */
struct vmx_bitmaps {
    uint8_t *msr, *io_a, *io_b;
    uint64_t msr_phys, io_a_phys, io_b_phys;
};

extern struct vmx_bitmaps vmx_bitmaps;

bool vmx_bitmaps_init(void);
/* Returns false for MSRs outside the two ranges the bitmap covers; those
 * always exit (SDM 25.6.9). */
bool msr_intercept(uint32_t msr, bool on_read, bool on_write);
void io_intercept(uint16_t port);

#endif
