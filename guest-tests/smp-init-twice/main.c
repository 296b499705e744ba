/* smp-init-twice: the boot CPU starts an AP, stops it with INIT alone, and restarts it with
 * INIT-SIPI-SIPI twice (once from its running loop's halt, once from a halt after its
 * function returned). Each start must come through the trampoline afresh: the boot count
 * advances, CR0/CR4 come out of reset (no paging, WP or SMEP left from the previous run),
 * and the AP's own tables are loaded again.
 * Command line: "cpus=2". The kernel never arms. */
#include "smp.h"

#define WAIT_MS 10000u
#define BEATS   1000u

static volatile uint32_t beat;
static struct desc_ptr tables[4][2];

/* Every run: note which tables it runs on, then set the kernel's per-CPU state (CR0.WP,
 * CR4.SMEP, ...) that the next INIT must wipe. */
static void note_run(unsigned cpu)
{
    uint32_t run = cpus[cpu].boots;
    tables[run][0] = sidt();
    tables[run][1] = sgdt();
    printk("cpu %u: start %u, entry cr0=0x%08x cr4=0x%08x, IDT 0x%x GDT 0x%x\n", cpu, run,
           cpus[cpu].entry_cr0, cpus[cpu].entry_cr4, tables[run][0].base, tables[run][1].base);
    prot_cpu_setup();
}

static void beating(unsigned cpu)
{
    note_run(cpu);
    for (uint64_t end = tsc_after_ms(WAIT_MS); rdtsc() < end;)
        beat++;
    fail("cpu %u: still running after %u ms: INIT never stopped it", cpu, WAIT_MS);
}

static void check_fresh(uint32_t run)
{
    const struct cpu_info *c = &cpus[1];
    if (c->boots != run)
        fail("AP came through the trampoline %u times, want %u", c->boots, run);
    if ((c->entry_cr0 & (CR0_PG | CR0_WP)) || !(c->entry_cr0 & 1) || c->entry_cr4)
        fail("start %u: AP entered with cr0=0x%08x cr4=0x%08x, not from reset", run, c->entry_cr0,
             c->entry_cr4);
    if (tables[run][0].base != tables[1][0].base || tables[run][1].base != tables[1][1].base)
        fail("start %u: the AP's tables differ from its first start", run);
}

void test_main(struct mb1_info *mbi)
{
    smp_init(mbi);
    paging_enable();
    gdt_install();
    smp_start(1, beating);
    wait_ge(&beat, BEATS, WAIT_MS, "the AP's heartbeat");
    smp_send_init(1);
    delay_us(1000);
    uint32_t stopped = beat;
    delay_us(10000);
    printk("smp-init-twice: INIT stopped the AP after %u beats\n", stopped);
    if (beat != stopped)
        fail("the AP kept running after INIT (%u, then %u)", stopped, beat);
    check_fresh(1);
    smp_start(1, note_run); /* from the wait-for-SIPI state INIT left */
    smp_wait_done(1, WAIT_MS);
    check_fresh(2);
    smp_start(1, note_run); /* from the halt after note_run returned */
    smp_wait_done(1, WAIT_MS);
    check_fresh(3);
    printk("smp-init-twice: 3 starts, each from reset with fresh state\n");
}
