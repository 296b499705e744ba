/* smp-boot: every CPU boots as a kernel's CPU does — its own GDT/TSS and IDT (loaded by
 * the library when the AP starts), SYSENTER/LSTAR, EFER.NXE, CR0.WP, CR4.SMEP/SMAP — the
 * boot CPU arms once all are up, then all work at once: writes to their own data with TLB
 * flushes, the boot CPU's page-table churn and PIT interrupts, each AP's local APIC timer.
 * Command line: "enforce cpus=N". */
#include "smp.h"

#define WAIT_MS   10000u
#define ROUNDS    8u
#define TICKS     20u

static uint32_t data[MAX_CPUS][4096] __attribute__((aligned(4096))); /* 16 KiB per CPU */
static struct desc_ptr idtr[MAX_CPUS], gdtr[MAX_CPUS];
static volatile uint32_t up;
static struct barrier work;

static void report_setup(unsigned cpu)
{
    idtr[cpu] = sidt();
    gdtr[cpu] = sgdt();
    printk("cpu %u: up, APIC ID %u, IDT 0x%x GDT 0x%x cr0=0x%08x cr4=0x%08x\n", cpu,
           cpus[cpu].apic_id, idtr[cpu].base, gdtr[cpu].base, read_cr0(), read_cr4());
}

/* Data passes (each twice, same checksum) with a CR3 reload after each. */
static uint32_t data_work(unsigned cpu)
{
    uint32_t sums = 0;
    for (uint32_t round = 0; round < ROUNDS; round++) {
        uint32_t seed = cpu << 8 | (round + 1);
        uint32_t a = work_data_pass(data[cpu], ARRAY_SIZE(data[cpu]), seed);
        uint32_t b = work_data_pass(data[cpu], ARRAY_SIZE(data[cpu]), seed);
        if (a != b)
            fail("cpu %u data pass %u: checksum 0x%x then 0x%x", cpu, round, a, b);
        sums += a;
        paging_flush();
    }
    return sums;
}


/* Polls with interrupts on until `ticks` counts TICKS, for at most a second. */
static void wait_ticks(volatile uint32_t *ticks)
{
    asm volatile("sti");
    for (uint64_t end = tsc_after_ms(1000); *ticks < TICKS && rdtsc() < end;)
        cpu_relax();
    asm volatile("cli");
    if (*ticks < TICKS)
        fail("cpu %u: only %u timer interrupts in a second", cpu_self(), *ticks);
}

static void check_unchanged(unsigned cpu, uint32_t cr0, uint32_t cr4)
{
    if (sidt().base != idtr[cpu].base || sgdt().base != gdtr[cpu].base || read_cr0() != cr0 ||
        read_cr4() != cr4)
        fail("cpu %u: protected state changed under a benign kernel", cpu);
}

static void ap_main(unsigned cpu)
{
    prot_cpu_setup();
    report_setup(cpu);
    uint32_t cr0 = read_cr0(), cr4 = read_cr4();
    atomic_inc(&up);
    barrier_wait(&work, ncpus, WAIT_MS, "start of work");
    lapic_timer_start(tsc_per_ms); /* about 1 kHz */
    uint32_t sums = data_work(cpu);
    wait_ticks(&cpus[cpu].ticks);
    lapic_timer_stop();
    check_unchanged(cpu, cr0, cr4);
    printk("cpu %u: %u data passes checksum 0x%08x, %u CR3 reloads, local APIC timer ok\n", cpu,
           2 * ROUNDS, sums, ROUNDS);
}

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "smp-boot");
    smp_init(mbi);
    gdt_install();
    paging_enable();
    prot_cpu_setup();
    report_setup(0);
    uint32_t cr0 = read_cr0(), cr4 = read_cr4();
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        smp_start(cpu, ap_main);
    wait_ge(&up, ncpus - 1, WAIT_MS, "every AP to set up");
    for (unsigned i = 0; i < ncpus; i++)
        for (unsigned j = 0; j < i; j++)
            if (idtr[i].base == idtr[j].base || gdtr[i].base == gdtr[j].base)
                fail("CPUs %u and %u share a descriptor table", j, i);
    prot_arm();
    barrier_wait(&work, ncpus, WAIT_MS, "start of work");
    timer_start(100);
    uint32_t sums = data_work(0);
    for (uint32_t round = 0; round < ROUNDS; round++)
        work_churn(round);
    wait_ticks(&timer_ticks);
    timer_stop();
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        smp_wait_done(cpu, WAIT_MS);
    check_unchanged(0, cr0, cr4);
    printk("cpu 0: %u data passes checksum 0x%08x, %u page-table rounds, PIT timer ok\n",
           2 * ROUNDS, sums, ROUNDS);
    printk("smp-boot: %u CPUs worked with their own tables\n", ncpus);
}
