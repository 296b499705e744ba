/* benign-strict: a well-behaved kernel under the strict policy raises no violation. It
 * does its boot steps (GDT/TSS, IDT, system-call MSRs, EFER.NXE, paging with CR0.WP,
 * CR4.SMEP/SMAP when the CPU has them), arms, then works: heavy writes to its data,
 * including the data sharing pages with its IDT and GDT, page-table churn, and timer
 * interrupts throughout. */
#include "lib.h"

#define ROUNDS    32u
#define TICKS     30u

static uint32_t data[16384]; /* 64 KiB of kernel data */

static void boot_steps(void)
{
    gdt_install(); /* the IDT was loaded by the library before test_main */
    paging_enable();
    prot_cpu_setup();
    printk("benign-strict: boot done cr0=0x%08x cr4=0x%08x efer=0x%llx\n", read_cr0(),
           read_cr4(), rdmsr(IA32_EFER));
}

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "benign-strict");
    boot_steps();
    struct desc_ptr idtr = sidt(), gdtr = sgdt();
    uint64_t sysenter = rdmsr(IA32_SYSENTER_EIP);
    uint32_t cr0 = read_cr0(), cr4 = read_cr4();
    prot_arm();
    timer_start(100);
    uint32_t sums = 0;
    for (uint32_t round = 0; round < ROUNDS; round++) {
        uint32_t a = work_data_pass(data, ARRAY_SIZE(data), round + 1);
        uint32_t b = work_data_pass(data, ARRAY_SIZE(data), round + 1);
        if (a != b)
            fail("data pass %u: checksum 0x%x then 0x%x", round, a, b);
        sums += a;
        work_churn(round);
    }
    for (uint32_t i = 0; timer_ticks < TICKS && i < 4 * TICKS; i++)
        asm volatile("sti; hlt"); /* only the timer is unmasked: one tick per wake-up */
    timer_stop();
    printk("benign-strict: %u data passes checksum 0x%08x, %u page-table rounds, %u timer ticks\n",
           2 * ROUNDS, sums, ROUNDS, timer_ticks);
    if (timer_ticks < TICKS)
        fail("only %u timer interrupts", timer_ticks);
    if (sidt().base != idtr.base || sgdt().base != gdtr.base || rdmsr(IA32_SYSENTER_EIP) != sysenter ||
        read_cr0() != cr0 || read_cr4() != cr4)
        fail("protected state changed under a benign kernel");
}
