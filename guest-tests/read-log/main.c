/* read-log: denied writes are reported to the guest's agent through VMCALL READ_LOG, and
 * READ_LOG refuses buffers it must not write: the hypervisor's memory, protected kernel
 * code, an unmapped page, buffers running into the hypervisor or an unmapped page. */
#include "lib.h"

#define WRITES 3
#define UNMAPPED 0x00C05000u /* a page of the split 12 MiB slot, marked not present */

static char buf[16384];

static unsigned count(const char *s, uint32_t n, const char *what)
{
    unsigned hits = 0;
    size_t m = strlen(what);
    for (uint32_t i = 0; i + m <= n; i++)
        if (!memcmp(s + i, what, m))
            hits++;
    return hits;
}

static void expect_refused(const char *what, uint32_t addr, uint32_t size)
{
    uint32_t written = 0, next = 0;
    uint32_t st = hv_read_log((void *)addr, size, 1, &written, &next);
    printk("read-log: %s buffer 0x%x+0x%x: status 0x%x\n", what, addr, size, st);
    if (st != VMCALL_ERR_BUFFER)
        fail("READ_LOG into the %s accepted (status 0x%x)", what, st);
}

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "read-log");
    if (!prot_hv())
        fail("needs the hypervisor");
    struct vmcall_regs info = { VMCALL_INFO, 0, 0, 0 };
    if (vmcall(&info) >= 0 || info.ax)
        fail("VMCALL INFO failed");
    uint32_t text = (uint32_t)prot_target, before = *(volatile uint32_t *)text;
    prot_arm();
    for (unsigned i = 0; i < WRITES; i++)
        if (poke32(text, PROT_PATCH) >= 0 || *(volatile uint32_t *)text != before)
            fail("denied write %u misbehaved", i);

    uint32_t written = 0, next = 0;
    uint32_t st = hv_read_log(buf, sizeof(buf), 1, &written, &next);
    if (st != 0 || written == 0 || written > sizeof(buf))
        fail("READ_LOG status 0x%x, %u bytes", st, written);
    unsigned records = count(buf, written, "{\"seq\":");
    unsigned denies = count(buf, written, "\"kind\":\"memory-write\"");
    unsigned lines = count(buf, written, "\n");
    printk("read-log: %u bytes, %u records (%u lines), %u memory-write, next seq %u\n",
           written, records, lines, denies, next);
    if (denies < WRITES || records != lines || next < records + 1)
        fail("the log lacks the denied writes");
    if (!count(buf, written, "\"action\":\"deny\""))
        fail("no deny record");

    st = hv_read_log(buf, sizeof(buf), next, &written, &next);
    printk("read-log: from seq %u: status 0x%x, %u bytes\n", next, st, written);
    if (st != 0 || written != 0)
        fail("nothing new was expected");

    expect_refused("hypervisor", info.bx, 4096);
    expect_refused("kernel text", text & ~0xFFFu, 4096);
    /* The log (>= 3 records) is longer than 64 bytes, so these two overrun whichever way
     * the hypervisor checks (the whole buffer, or only the bytes it writes). */
    expect_refused("into-hypervisor", info.bx - 64, 4096);
    paging_enable();
    paging_split(UNMAPPED);
    paging_unmap4k(UNMAPPED);
    expect_refused("unmapped", UNMAPPED, 4096);
    expect_refused("into-unmapped", UNMAPPED - 64, 4096);
    printk("read-log: bad buffers refused\n");
}
