/* atk-lstar: the kernel sets IA32_LSTAR during boot and arms; an attacker then points
 * the 64-bit system-call entry elsewhere. Enforce refuses the WRMSR (#GP with the
 * scenario's policy); audit lets it through. */
#include "lib.h"

static void syscall_entry(void) {}

void test_main(struct mb1_info *mbi)
{
    uint32_t r[4];
    prot_init(mbi, "atk-lstar");
    cpuid(0x80000001, 0, r);
    if (!(r[3] & (1u << 29)))
        fail("no long mode: IA32_LSTAR does not exist");
    wrmsr(IA32_LSTAR, (uint32_t)syscall_entry);
    printk("atk-lstar: boot set IA32_LSTAR=0x%llx\n", rdmsr(IA32_LSTAR));
    prot_arm();
    prot_wrmsr_attack("lstar", IA32_LSTAR, 0x41414141);
}
