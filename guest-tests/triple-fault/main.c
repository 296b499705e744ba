/* triple-fault: with a zero-limit IDT, INT3 cannot be delivered (#GP), nor can the #GP
 * (#DF), nor the #DF: the CPU shuts down and the hypervisor must report it. */
#include "lib.h"

void test_main(struct mb1_info *mbi)
{
    (void)mbi;
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) empty = { 0, 0 };
    printk("triple-fault: zero-limit IDT, then int3\n");
    asm volatile("lidt %0; int3" :: "m"(empty));
    fail("survived int3 with an empty IDT");
}
