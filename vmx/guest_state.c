/* Small operations on the current guest's VMCS state shared by handlers. */
#include "vmx/exit.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_bits.h"
#include "vmx/vmx_insn.h"

/* EIP/IP wrap at 32/16 bits outside 64-bit mode (SDM Vol 1 3.5). CS.L is
 * set only in 64-bit mode; otherwise CS.D gives the code size (real mode
 * has D = 0): one VMREAD instead of the full mode. */
void guest_advance_rip(uint64_t len)
{
    uint32_t ar = (uint32_t)vmread(GUEST_CS_AR_BYTES);
    uint64_t mask = ar & (1u << 13) ? ~0ull : ar & (1u << 14) ? 0xFFFFFFFFull : 0xFFFFull;
    vmwrite(GUEST_RIP, (vmread(GUEST_RIP) + len) & mask);
    uint64_t intr = vmread(GUEST_INTERRUPTIBILITY_INFO);
    if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
        vmwrite(GUEST_INTERRUPTIBILITY_INFO, intr & ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

void guest_skip_instruction(void) { guest_advance_rip(vmread(VM_EXIT_INSTRUCTION_LEN)); }

/* 26.6 event injection: a hardware exception, delivered on the next entry
 * without advancing RIP (faults point at the faulting instruction). */
void guest_inject_exception(unsigned vector, bool has_error_code, uint32_t error_code)
{
    uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;
    /* 26.2.1.3: no error code is delivered in real-address mode */
    if (has_error_code && (vmread(GUEST_CR0) & 1)) {
        info |= INTR_INFO_DELIVER_CODE;
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
    }
    vmwrite(VM_ENTRY_INTR_INFO, info);
}

unsigned guest_cpl(void) { return (vmread(GUEST_SS_AR_BYTES) >> 5) & 3; }

enum cpu_mode guest_cpu_mode(void)
{
    return cpu_mode_from(vmread(GUEST_CR0), vmread(GUEST_IA32_EFER), (uint32_t)vmread(GUEST_CS_AR_BYTES));
}

unsigned guest_code_bits(void)
{
    enum cpu_mode m = guest_cpu_mode();
    return m == CPU_MODE_LONG64 ? 64 : m == CPU_MODE_PROT32 ? 32 : 16;
}
