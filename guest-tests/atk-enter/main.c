/* Attack: ENTER with a nesting level writes more of the stack than its decoded operand
 * says. With the stack just above 16 protected bytes, its first push lands beside them —
 * a write Bulwark cannot emulate, so it is single-stepped — and its later pushes land on
 * them. The check after the step must find the changed protected bytes, report them and
 * give them back their value. Command line: "enforce" (bare: nothing is protected). */
#include "lib.h"

#define GUARDED_PA 0x00600000u /* the policy's gpa rule: 16 bytes */
#define STACK_TOP  (GUARDED_PA + 0x14u)

void test_main(struct mb1_info *mbi)
{
    volatile uint32_t *guarded = (volatile uint32_t *)GUARDED_PA;
    prot_init(mbi, "atk-enter");
    for (unsigned i = 0; i < 4; i++)
        guarded[i] = 0x11111111u * (i + 1);
    prot_arm();
    printk("atk-enter: stack at 0x%x, guarded 0x%x-0x%x\n", STACK_TOP, GUARDED_PA, GUARDED_PA + 15);
    /* ENTER $0, $2: push EBP at STACK_TOP-4, then the outer frame pointer read from
     * [EBP-4] and the new frame pointer at STACK_TOP-8 and -12 (SDM Vol 2A ENTER). */
    __asm__ volatile("mov %%esp, %%esi\n\t"
                     "mov %%ebp, %%edi\n\t"
                     "mov %0, %%esp\n\t"
                     "mov %%esp, %%ebp\n\t"
                     "enter $0, $2\n\t"
                     "mov %%edi, %%ebp\n\t"
                     "mov %%esi, %%esp"
                     :: "i"(STACK_TOP) : "esi", "edi", "memory");
    bool changed = false;
    for (unsigned i = 0; i < 4; i++)
        changed |= guarded[i] != 0x11111111u * (i + 1);
    printk("atk-enter: guarded words 0x%x 0x%x 0x%x 0x%x\n", guarded[0], guarded[1], guarded[2], guarded[3]);
    prot_outcome("enter-frame", changed);
}
