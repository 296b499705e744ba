/* RDMSR/WRMSR on an MSR number or value the guest chose: a #GP here is
 * redirected by host_exception to safe_msr_fault, which returns -1. */
    .section .text
    .globl safe_rdmsr, safe_wrmsr, safe_rdmsr_insn, safe_wrmsr_insn, safe_msr_fault
/* int safe_rdmsr(uint32_t msr, uint64_t *value) */
safe_rdmsr:
    mov %edi, %ecx
safe_rdmsr_insn:
    rdmsr
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, (%rsi)
    xor %eax, %eax
    ret
/* int safe_wrmsr(uint32_t msr, uint64_t value) */
safe_wrmsr:
    mov %edi, %ecx
    mov %rsi, %rax
    mov %rsi, %rdx
    shr $32, %rdx
safe_wrmsr_insn:
    wrmsr
    xor %eax, %eax
    ret
safe_msr_fault:
    mov $-1, %eax
    ret
