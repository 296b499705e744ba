/* vmxon-ud: the hypervisor hides VMX. CPUID must not offer it, setting CR4.VMXE must be
 * refused (ignored or #GP), and VMX instructions must raise #UD. */
#include "lib.h"

#define IA32_VMX_BASIC 0x480

static uint8_t region[4096] __attribute__((aligned(4096)));

static void expect_ud(const char *insn, int vec)
{
    printk("%s: vector %d\n", insn, vec);
    if (vec != VEC_UD)
        fail("%s raised vector %d, want #UD", insn, vec);
}

void test_main(struct mb1_info *mbi)
{
    (void)mbi;
    uint32_t r[4];
    cpuid(1, 0, r);
    if (r[2] & (1u << 5))
        fail("CPUID.1:ECX.VMX is set");
    uint32_t lo = 0, hi = 0; /* a real revision id, should the MSR be readable */
    if (TRAP_TRY("rdmsr", : "=a"(lo), "=d"(hi) : "c"(IA32_VMX_BASIC)) < 0)
        memcpy(region, &lo, 4);
    printk("IA32_VMX_BASIC: %s\n", trap_vector < 0 ? "readable" : "#GP");

    uint32_t cr4 = read_cr4();
    int vec = TRAP_TRY("mov %0, %%cr4", :: "r"(cr4 | CR4_VMXE) : "memory");
    printk("mov cr4 with VMXE: vector %d, cr4 now 0x%x\n", vec, read_cr4());
    if (vec >= 0 && vec != VEC_GP)
        fail("setting CR4.VMXE raised vector %d", vec);
    if (read_cr4() & CR4_VMXE)
        fail("CR4.VMXE was accepted");

    uint64_t pa = (uint32_t)region;
    uint32_t val = 0;
    expect_ud("vmxon", TRAP_TRY("vmxon %0", :: "m"(pa)));
    expect_ud("vmptrld", TRAP_TRY("vmptrld %0", :: "m"(pa)));
    expect_ud("vmread", TRAP_TRY("vmread %1, %0", : "=r"(val) : "r"(0x681Eu)));
    expect_ud("vmlaunch", TRAP_TRY("vmlaunch"));
    expect_ud("vmxoff", TRAP_TRY("vmxoff"));
    write_cr4(cr4);
}
