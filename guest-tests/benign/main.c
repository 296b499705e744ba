/* benign: ordinary kernel work a hypervisor must run transparently — boot information,
 * CPUID, MSRs, control registers, paging with CR3 reloads and page-table churn, a long
 * compute loop with a known checksum. */
#include "lib.h"

#define CHURN_VA   0x00C00000u /* 12 MiB: the slot split into 4 KiB pages */
#define CHURN_PA   0x00800000u /* 8 MiB: frames it is pointed at, read back identity-mapped */
#define CHURN_END  0x01000000u
#define COMPUTE_ITERS 2000000u
#define COMPUTE_SUM   0xa15ac245u /* xorshift32 checksum, computed on the host */

static void check_boot_info(const struct mb1_info *mbi)
{
    if (!(mbi->flags & MB1_INFO_MEM) || mbi->mem_upper == 0)
        fail("no memory information (flags 0x%x)", mbi->flags);
    if ((uint64_t)mbi->mem_upper * 1024 + 0x100000 < CHURN_END)
        fail("only %u KiB upper memory", mbi->mem_upper);
    if (!(mbi->flags & MB1_INFO_MMAP) || mbi->mmap_length == 0)
        fail("no memory map (flags 0x%x)", mbi->flags);
    uint64_t usable = 0;
    for (uint32_t off = 0; off + sizeof(struct mb1_mmap_entry) <= mbi->mmap_length;) {
        const struct mb1_mmap_entry *e = (const void *)(mbi->mmap_addr + off);
        if (e->type == 1)
            usable += e->len;
        off += e->size + 4;
    }
    if (usable < CHURN_END)
        fail("memory map lists only %llu bytes usable", usable);
    if (!(mbi->flags & MB1_INFO_CMDLINE) || !*(const char *)mbi->cmdline)
        fail("no command line");
    printk("mem_upper=%u KiB usable=%llu KiB\n", mbi->mem_upper, usable >> 10);
    printk("args: %s\n", cmdline_args(mbi));
}

static void check_cpuid(bool hv)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    char vendor[13];
    memcpy(vendor, &r[1], 4), memcpy(vendor + 4, &r[3], 4), memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;
    if (r[0] < 1)
        fail("CPUID max leaf %u", r[0]);
    cpuid(1, 0, r);
    printk("cpuid vendor=%s leaf1.ecx=0x%08x\n", vendor, r[2]);
    if (hv && (r[2] & (1u << 5)))
        fail("CPUID.1:ECX.VMX is set under the hypervisor");
}

static void check_msrs(void)
{
    static const struct { uint32_t msr; uint64_t val; } cases[] = {
        { IA32_SYSENTER_CS, 0x08 }, { IA32_SYSENTER_EIP, 0x00123456 }, { IA32_SYSENTER_EIP, 0 },
        { IA32_SYSENTER_CS, 0 },
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        wrmsr(cases[i].msr, cases[i].val);
        uint64_t got = rdmsr(cases[i].msr);
        if (got != cases[i].val)
            fail("MSR 0x%x reads 0x%llx after writing 0x%llx", cases[i].msr, got, cases[i].val);
    }
}

static void check_paging(void)
{
    uint32_t cr0 = read_cr0();
    printk("cr0=0x%08x cr3=0x%08x cr4=0x%08x\n", cr0, read_cr3(), read_cr4());
    if (!(cr0 & 1) || (cr0 & CR0_PG))
        fail("CR0 0x%x: want protected mode without paging", cr0);
    paging_enable();
    if (!(read_cr0() & CR0_PG) || !(read_cr4() & CR4_PSE))
        fail("paging did not turn on (cr0 0x%x cr4 0x%x)", read_cr0(), read_cr4());
    for (unsigned i = 0; i < 1000; i++)
        paging_flush();
    /* Each round points the first 64 pages of CHURN_VA at a different permutation of
     * frames, writes through the alias and checks the frames through the identity map;
     * after the merge the identity pages must show again (no stale 4 KiB translation). */
    for (uint32_t i = 0; i < 64; i++)
        *(volatile uint32_t *)(CHURN_VA + (i << 12)) = 0xC0DE0000 | i;
    for (uint32_t round = 0; round < 64; round++) {
        paging_split(CHURN_VA);
        for (uint32_t i = 0; i < 64; i++)
            paging_map4k(CHURN_VA + (i << 12), CHURN_PA + (((i * 7 + round) & 1023) << 12));
        for (uint32_t i = 0; i < 64; i++)
            *(volatile uint32_t *)(CHURN_VA + (i << 12)) = round << 16 | i;
        for (uint32_t i = 0; i < 64; i++) {
            uint32_t got = *(volatile uint32_t *)(CHURN_PA + (((i * 7 + round) & 1023) << 12));
            if (got != (round << 16 | i))
                fail("page churn round %u page %u: frame reads 0x%x", round, i, got);
        }
        paging_merge(CHURN_VA);
        for (uint32_t i = 0; i < 64; i++) {
            uint32_t got = *(volatile uint32_t *)(CHURN_VA + (i << 12));
            if (got != (0xC0DE0000 | i))
                fail("page churn round %u page %u: stale translation reads 0x%x", round, i, got);
        }
    }
    paging_disable();
}

static void check_compute(void)
{
    uint32_t x = 0x12345678, sum = 0;
    for (uint32_t i = 0; i < COMPUTE_ITERS; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        sum += x ^ i;
    }
    printk("compute checksum=0x%08x\n", sum);
    if (sum != COMPUTE_SUM)
        fail("compute checksum 0x%x, want 0x%x", sum, COMPUTE_SUM);
}

void test_main(struct mb1_info *mbi)
{
    bool hv = hv_present();
    printk("benign: hypervisor %s\n", hv ? "present" : "absent");
    check_boot_info(mbi);
    check_cpuid(hv);
    check_msrs();
    check_paging();
    check_compute();
}
