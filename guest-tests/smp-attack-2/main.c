/* smp-attack: every CPU boots like a kernel's and the boot CPU arms; then each AP in turn
 * runs the attack suite while the boot CPU keeps working (data passes, page-table churn,
 * PIT interrupts): an IDT gate of its own IDT and of the boot CPU's, the kernel's code,
 * WRMSR IA32_LSTAR and IA32_SYSENTER_EIP, clearing CR4.SMEP and CR0.WP, LIDT and LGDT to
 * attacker tables. Enforce blocks each on the AP that tried; audit lets each land. The boot
 * CPU prints nothing while an AP attacks, so the hypervisor's records stay on their own
 * lines. Command line: "enforce|audit cpus=N". */
#include "smp.h"

#define WAIT_MS  30000u
#define TICKS    5u
#define VICTIM   40 /* IRQ 8: masked, never raised */
#define CHURN_VA 0x00C00000u
#define CHURN_PA 0x00800000u

static uint32_t bsp_data[4096] __attribute__((aligned(4096)));
static struct idt_entry evil_idt[MAX_CPUS][IDT_ENTRIES] __attribute__((aligned(8)));
static uint64_t evil_gdt[MAX_CPUS][6] __attribute__((aligned(8)));
static uint32_t bsp_idt;
static volatile uint32_t up, turn, attacked;
static char label_buf[32];

static void evil_handler(void) { fail("evil handler ran"); }

/* "cpuN-what": the name prot_outcome reports (one AP attacks at a time). */
static const char *label(unsigned cpu, const char *what)
{
    label_buf[0] = 'c', label_buf[1] = 'p', label_buf[2] = 'u', label_buf[3] = (char)('0' + cpu);
    label_buf[4] = '-';
    memcpy(label_buf + 5, what, strlen(what) + 1);
    return label_buf;
}

static void gate_write(unsigned cpu, const char *what, uint32_t idt_base)
{
    volatile uint32_t *gate = (volatile uint32_t *)(idt_base + VICTIM * 8);
    uint32_t before = *gate, value = SEL_KCODE << 16 | ((uint32_t)evil_handler & 0xFFFF);
    printk("cpu %u: %s: gate %u at 0x%x = 0x%08x, writing 0x%08x\n", cpu, what, VICTIM,
           (uint32_t)gate, before, value);
    int vec = poke32((uint32_t)gate, value);
    if (vec >= 0)
        fail("cpu %u: the gate write raised vector %d", cpu, vec);
    if (*gate != before && *gate != value)
        fail("cpu %u: gate holds neither value", cpu);
    prot_outcome(label(cpu, what), *gate == value);
}

static void code_write(unsigned cpu)
{
    printk("cpu %u: kernel-write: target 0x%x\n", cpu, (uint32_t)prot_target);
    int vec = poke32((uint32_t)prot_target, PROT_PATCH);
    if (vec >= 0)
        fail("cpu %u: the code write raised vector %d", cpu, vec);
    prot_outcome(label(cpu, "kernel-write"), prot_target_patched());
}

static void cr0_wp_clear(unsigned cpu)
{
    uint32_t before = read_cr0();
    int vec = TRAP_TRY("mov %0, %%cr0", :: "r"(before & ~CR0_WP) : "memory");
    printk("cpu %u: cr0-wp: mov cr0 0x%08x over 0x%08x: vector %d, now 0x%08x\n", cpu,
           before & ~CR0_WP, before, vec, read_cr0());
    if (vec >= 0)
        fail("cpu %u: clearing CR0.WP raised vector %d", cpu, vec);
    prot_outcome(label(cpu, "cr0-wp"), !(read_cr0() & CR0_WP));
}

static void idt_load(unsigned cpu)
{
    struct desc_ptr old = sidt();
    memcpy(evil_idt[cpu], (const void *)old.base, sizeof(evil_idt[cpu]));
    evil_idt[cpu][VICTIM].off_lo = (uint16_t)(uint32_t)evil_handler;
    evil_idt[cpu][VICTIM].off_hi = (uint16_t)((uint32_t)evil_handler >> 16);
    struct desc_ptr p = { sizeof(evil_idt[cpu]) - 1, (uint32_t)evil_idt[cpu] };
    printk("cpu %u: lidt: IDTR base 0x%x, loading 0x%x\n", cpu, old.base, p.base);
    int vec = TRAP_TRY("lidt %0", :: "m"(p));
    if (vec >= 0)
        fail("cpu %u: LIDT raised vector %d", cpu, vec);
    struct desc_ptr now = sidt();
    if (now.base != old.base && now.base != p.base)
        fail("cpu %u: IDTR holds neither base", cpu);
    prot_outcome(label(cpu, "lidt"), now.base == p.base);
    if (TRAP_TRY("ud2") != VEC_UD) /* whichever table is live still works */
        fail("cpu %u: ud2 raised vector %d", cpu, trap_vector);
}

static void gdt_load(unsigned cpu)
{
    struct desc_ptr old = sgdt();
    memcpy(evil_gdt[cpu], (const void *)old.base, sizeof(evil_gdt[cpu]));
    evil_gdt[cpu][SEL_KDATA / 8] |= 3ull << 45; /* kernel data made DPL 3 */
    struct desc_ptr p = { sizeof(evil_gdt[cpu]) - 1, (uint32_t)evil_gdt[cpu] };
    printk("cpu %u: lgdt: GDTR base 0x%x, loading 0x%x\n", cpu, old.base, p.base);
    int vec = TRAP_TRY("lgdt %0", :: "m"(p));
    if (vec >= 0)
        fail("cpu %u: LGDT raised vector %d", cpu, vec);
    struct desc_ptr now = sgdt();
    if (now.base != old.base && now.base != p.base)
        fail("cpu %u: GDTR holds neither base", cpu);
    prot_outcome(label(cpu, "lgdt"), now.base == p.base);
}

static void attack_suite(unsigned cpu)
{
    uint32_t r[4];
    gate_write(cpu, "idt-own", sidt().base);
    gate_write(cpu, "idt-bsp", bsp_idt);
    code_write(cpu);
    cpuid(0x80000001, 0, r);
    if (!(r[3] & (1u << 29)))
        fail("no long mode: IA32_LSTAR does not exist");
    prot_wrmsr_attack(label(cpu, "lstar"), IA32_LSTAR, 0x41414141);
    prot_wrmsr_attack(label(cpu, "sysenter-eip"), IA32_SYSENTER_EIP, 0x41414141);
    if (!(read_cr4() & CR4_SMEP))
        fail("cpu %u: CR4.SMEP is not set (CPU without SMEP?)", cpu);
    prot_cr4_clear_attack(label(cpu, "cr4-smep"), CR4_SMEP);
    cr0_wp_clear(cpu);
    idt_load(cpu);
    gdt_load(cpu);
}

static void ap_main(unsigned cpu)
{
    prot_cpu_setup();
    printk("cpu %u: up, IDT 0x%x GDT 0x%x cr4=0x%08x\n", cpu, sidt().base, sgdt().base, read_cr4());
    atomic_inc(&up);
    wait_ge(&turn, cpu, WAIT_MS, "this AP's turn to attack");
    attack_suite(cpu);
    printk("cpu %u: attacks done\n", cpu);
    attacked = cpu;
}

/* One round of the boot CPU's benign work: a data pass and a page-table split and merge. */
static void bsp_round(uint32_t round)
{
    uint32_t x = round + 1;
    for (uint32_t i = 0; i < 4096; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        bsp_data[i] = x;
    }
    paging_split(CHURN_VA);
    paging_map4k(CHURN_VA, CHURN_PA + ((round & 1023) << 12));
    *(volatile uint32_t *)CHURN_VA = round;
    if (*(volatile uint32_t *)(CHURN_PA + ((round & 1023) << 12)) != round)
        fail("page churn round %u", round);
    paging_merge(CHURN_VA);
}

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "smp-attack");
    smp_init(mbi);
    gdt_install();
    paging_enable();
    prot_cpu_setup();
    bsp_idt = sidt().base;
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        smp_start(cpu, ap_main);
    wait_ge(&up, ncpus - 1, WAIT_MS, "every AP to set up");
    prot_arm();
    timer_start(100);
    uint32_t rounds = 0;
    for (unsigned cpu = 1; cpu < ncpus; cpu++) {
        turn = cpu;
        for (uint64_t end = tsc_after_ms(WAIT_MS); attacked != cpu; bsp_round(rounds++))
            if (rdtsc() > end)
                fail("cpu %u did not finish its attacks within %u ms", cpu, WAIT_MS);
    }
    for (uint64_t end = tsc_after_ms(1000); timer_ticks < TICKS; bsp_round(rounds++))
        if (rdtsc() > end)
            fail("only %u timer interrupts on the boot CPU in a second", timer_ticks);
    timer_stop();
    for (unsigned cpu = 1; cpu < ncpus; cpu++)
        smp_wait_done(cpu, WAIT_MS);
    printk("smp-attack: %u APs attacked; the boot CPU worked on (%u rounds, %u timer ticks)\n",
           ncpus - 1, rounds, timer_ticks);
    smp_send_init(ncpus - 1); /* after arming: allowed, and reported */
    printk("smp-attack: INIT sent to cpu %u\n", ncpus - 1);
}
