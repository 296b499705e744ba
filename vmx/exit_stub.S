/* VM-exit entry and VM launch. HOST_RSP points just past cpu->regs, so the
 * pushes below store the guest GPRs into cpu->regs in x86 register-number
 * order (RAX lowest). Then C runs on the stack below. */
    .section .text
    .globl vmx_exit_stub
vmx_exit_stub:
    push %r15
    push %r14
    push %r13
    push %r12
    push %r11
    push %r10
    push %r9
    push %r8
    push %rdi
    push %rsi
    push %rbp
    sub $8, %rsp                 /* RSP slot: the guest's RSP is in the VMCS */
    push %rbx
    push %rdx
    push %rcx
    push %rax
    mov %rsp, %rdi
    call vmx_exit_handler        /* returns to resume the guest */
    mov %rsp, %rdi
    jmp vmx_enter

/* vmx_enter(struct guest_regs *regs): load the guest GPRs and VMRESUME
 * (VMLAUNCH on the first entry, when cpu_launched(regs) says so). Returns
 * into vmx_entry_failed() if the entry fails. */
    .globl vmx_enter
vmx_enter:
    mov %rdi, %rsp
    call vmx_prepare_entry       /* nonzero: first entry, use VMLAUNCH */
    mov %eax, %r15d
    pop %rax
    pop %rcx
    pop %rdx
    pop %rbx
    add $8, %rsp
    pop %rbp
    pop %rsi
    pop %rdi
    pop %r8
    pop %r9
    pop %r10
    pop %r11
    pop %r12
    pop %r13
    pop %r14
    test %r15d, %r15d
    mov (%rsp), %r15
    jnz 1f
    vmresume
    jmp 2f
1:  vmlaunch
2:  /* fell through: the entry failed (CF or ZF set); back to C */
    pushfq
    pop %rsi
    lea -120(%rsp), %rdi         /* == &cpu->regs (RSP is at the R15 slot) */
    mov %rdi, %rsp
    call vmx_entry_failed
3:  cli
    hlt
    jmp 3b
