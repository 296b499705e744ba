/* I/O exits. Only port 0xF4 is in the I/O bitmap: the isa-debug-exit
 * convention — a write of V ends the run with status (V << 1) | 1. */
#include "hv/run_end.h"
#include "vmx/exit.h"
#include "vmx/diag.h"

#define DEBUG_EXIT_PORT 0xF4

void exit_io(struct cpu *c, uint64_t q)
{
    unsigned size = IO_QUAL_SIZE(q);
    if (IO_QUAL_PORT(q) != DEBUG_EXIT_PORT || (q & IO_QUAL_STRING))
        vmx_unexpected_exit(c, "I/O exit for a port Bulwark does not intercept");
    if (q & IO_QUAL_IN) {
        /* Reads see an absent device: all ones. */
        uint64_t ones = size == 4 ? 0xFFFFFFFFull : (1ull << (size * 8)) - 1;
        uint64_t *rax = &c->regs.gpr[REG_RAX];
        *rax = size == 4 ? ones : (*rax & ~ones) | ones;
        guest_skip_instruction();
        return;
    }
    uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (size * 8)) - 1;
    run_end_guest_exit((uint32_t)(c->regs.gpr[REG_RAX] & mask));
}
