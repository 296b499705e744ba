/* atk-sysenter: the kernel sets IA32_SYSENTER_CS/EIP during boot and arms; an attacker
 * then redirects SYSENTER. The scenario's policy drops denied writes (no #GP). */
#include "lib.h"

static void sysenter_entry(void) {}

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-sysenter");
    wrmsr(IA32_SYSENTER_CS, SEL_KCODE);
    wrmsr(IA32_SYSENTER_EIP, (uint32_t)sysenter_entry);
    printk("atk-sysenter: boot set IA32_SYSENTER_EIP=0x%llx\n", rdmsr(IA32_SYSENTER_EIP));
    prot_arm();
    prot_wrmsr_attack("sysenter-eip", IA32_SYSENTER_EIP, 0x41414141);
}
