/* atk-ring3-vmcall: code at CPL 3 calls the hypervisor. VMCALL is for the kernel only:
 * the guest kernel's own #UD handler must see it, whatever the mode. */
#include "lib.h"

static volatile uint32_t user_cs, user_ax;

static void user_code(void)
{
    uint32_t cs;
    asm volatile("mov %%cs, %0" : "=r"(cs));
    user_cs = cs;
    uint32_t ax = VMCALL_INFO, bx = 0, cx = 0, dx = 0;
    asm volatile("vmcall" : "+a"(ax), "+b"(bx), "+c"(cx), "+d"(dx) :: "memory");
    user_ax = ax; /* not reached: #UD */
}

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-ring3-vmcall");
    gdt_install();
    prot_arm();
    user_ax = 0xDEAD;
    int vec = user_run(user_code);
    printk("atk-ring3-vmcall: user code cs=0x%x, vmcall at CPL %u: vector %d\n", user_cs,
           user_cs & 3, vec);
    if ((user_cs & 3) != 3)
        fail("user code did not run at CPL 3");
    if (vec != VEC_UD || user_ax != 0xDEAD)
        fail("VMCALL at CPL 3 raised vector %d (want #UD), eax 0x%x", vec, user_ax);
    if (user_run(user_code) != VEC_UD) /* and again: nothing was left half-done */
        fail("second VMCALL at CPL 3 raised vector %d", trap_vector);
    printk("atk-ring3-vmcall: #UD reached the kernel twice\n");
}
