/* atk-arm-twice: ARM succeeds once; a second ARM (an attacker re-arming, hoping to move
 * the rules) is refused with status 0xFFFFFFFE and reported. */
#include "lib.h"

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-arm-twice");
    if (!prot_hv())
        fail("needs the hypervisor");
    prot_arm();
    struct vmcall_regs r = { VMCALL_ARM, 0, 0, 0 };
    if (vmcall(&r) >= 0)
        fail("second ARM raised vector %d", trap_vector);
    printk("atk-arm-twice: second ARM status 0x%x\n", r.ax);
    if (r.ax != VMCALL_ERR_DENIED)
        fail("second ARM status 0x%x, want 0x%x", r.ax, VMCALL_ERR_DENIED);
}
