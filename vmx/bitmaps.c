#include "vmx/bitmaps.h"
#include "hv/mm.h"

struct vmx_bitmaps vmx_bitmaps;

bool vmx_bitmaps_init(void)
{
    struct vmx_bitmaps *b = &vmx_bitmaps;
    b->msr = page_alloc(&b->msr_phys);
    b->io_a = page_alloc(&b->io_a_phys);
    b->io_b = page_alloc(&b->io_b_phys);
    return b->msr && b->io_a && b->io_b;
}

static void set_bit(uint8_t *map, unsigned bit) { map[bit / 8] |= (uint8_t)(1u << (bit % 8)); }

bool msr_intercept(uint32_t msr, bool on_read, bool on_write)
{
    /* Layout: read-low, read-high, write-low, write-high; 1 KiB each.
     * Low covers 0-0x1FFF, high covers 0xC0000000-0xC0001FFF. */
    unsigned offset;
    if (msr <= 0x1FFF)
        offset = 0;
    else if (msr >= 0xC0000000 && msr <= 0xC0001FFF)
        offset = 1024;
    else
        return false;
    unsigned bit = msr & 0x1FFF;
    if (on_read)
        set_bit(vmx_bitmaps.msr + offset, bit);
    if (on_write)
        set_bit(vmx_bitmaps.msr + 2048 + offset, bit);
    return true;
}

void io_intercept(uint16_t port)
{
    set_bit(port < 0x8000 ? vmx_bitmaps.io_a : vmx_bitmaps.io_b, port & 0x7FFF);
}
