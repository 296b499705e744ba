/* I/O exits. Only port 0xF4 is in the I/O bitmap: the isa-debug-exit
 * convention — a write of V ends the run with status (V << 1) | 1. */
#include "hv/run_end.h"
#include "vmx/exit.h"
#include "vmx/diag.h"

#define DEBUG_EXIT_PORT 0xF4

void exit_io(struct cpu *c, uint64_t q)
{
    uint64_t mask = (1ull << (IO_QUAL_SIZE(q) * 8)) - 1;   /* 1, 2 or 4 bytes */
    uint64_t *rax = &c->regs.gpr[REG_RAX];
    if (IO_QUAL_PORT(q) != DEBUG_EXIT_PORT || (q & IO_QUAL_STRING))
        vmx_unexpected_exit(c, "I/O exit for a port Bulwark does not intercept");
    if (q & IO_QUAL_IN) {
        /* Reads see an absent device: all ones; a 32-bit IN zeroes RAX[63:32]. */
        *rax = IO_QUAL_SIZE(q) == 4 ? mask : (*rax & ~mask) | mask;
        guest_skip_instruction();
        return;
    }
    run_end_guest_exit((uint32_t)(*rax & mask));
}
