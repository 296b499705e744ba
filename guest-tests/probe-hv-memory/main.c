/* probe-hv-memory: the hypervisor's own memory is neither offered to the guest nor
 * reachable by it. Denied accesses are skipped, so a read leaves its destination
 * register holding the sentinel placed there beforehand. */
#include "lib.h"

static const uint32_t sentinels[2] = { 0x5EA7EA7E, 0xA15C0DE5 };

static bool read_denied(uint32_t pa)
{
    for (unsigned i = 0; i < 2; i++) {
        uint32_t v = sentinels[i];
        int vec = TRAP_TRY("movl (%1), %0", : "+r"(v) : "r"(pa));
        if (vec >= 0)
            fail("read of 0x%x raised exception %d", pa, vec);
        if (v != sentinels[i])
            return false;
    }
    return true;
}

static void check_memory_map(const struct mb1_info *mbi, uint64_t base, uint64_t end)
{
    if (!(mbi->flags & MB1_INFO_MMAP))
        fail("no memory map");
    for (uint32_t off = 0; off + sizeof(struct mb1_mmap_entry) <= mbi->mmap_length;) {
        const struct mb1_mmap_entry *e = (const void *)(mbi->mmap_addr + off);
        if (e->type == 1 && e->addr < end && e->addr + e->len > base)
            fail("memory map offers 0x%llx+0x%llx, overlapping the hypervisor", e->addr, e->len);
        off += e->size + 4;
    }
}

void test_main(struct mb1_info *mbi)
{
    struct vmcall_regs r = { VMCALL_INFO, 0, 0, 0 };
    if (vmcall(&r) >= 0 || r.ax != 0)
        fail("VMCALL INFO failed (vector %d, status 0x%x)", trap_vector, r.ax);
    printk("hypervisor reserved base=0x%x size=0x%x abi=%u\n", r.bx, r.cx, r.dx);
    if (r.dx != 1 || r.cx == 0 || (uint64_t)r.bx + r.cx > 0x100000000ull)
        fail("implausible INFO reply");
    check_memory_map(mbi, r.bx, (uint64_t)r.bx + r.cx);
    const uint32_t probes[3] = { r.bx, r.bx + (r.cx / 2 & ~3u), r.bx + r.cx - 4 };
    for (unsigned i = 0; i < 3; i++) {
        if (!read_denied(probes[i]))
            fail("read of hypervisor memory at 0x%x was allowed", probes[i]);
        int vec = TRAP_TRY("movl %0, (%1)", :: "r"(0xDEADBEEFu), "r"(probes[i]));
        if (vec >= 0)
            fail("write to 0x%x raised exception %d", probes[i], vec);
        if (!read_denied(probes[i]))
            fail("read of 0x%x allowed after a write", probes[i]);
    }
    printk("probe: %u reads and writes of hypervisor memory denied\n", 3u);
}
