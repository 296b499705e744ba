/* atk-nxe: the kernel enables EFER.NXE during boot and arms; an attacker clears it
 * (turning every no-execute mapping executable under PAE paging). */
#include "lib.h"

void test_main(struct mb1_info *mbi)
{
    uint32_t r[4];
    prot_init(mbi, "atk-nxe");
    cpuid(0x80000001, 0, r);
    if (!(r[3] & (1u << 20)))
        fail("CPUID.80000001H:EDX.NX is clear: EFER.NXE cannot be set");
    wrmsr(IA32_EFER, rdmsr(IA32_EFER) | EFER_NXE);
    uint64_t efer = rdmsr(IA32_EFER);
    printk("atk-nxe: boot set EFER=0x%llx\n", efer);
    if (!(efer & EFER_NXE))
        fail("EFER.NXE did not stick");
    prot_arm();
    prot_wrmsr_attack("efer-nxe-clear", IA32_EFER, efer & ~(uint64_t)EFER_NXE);
}
