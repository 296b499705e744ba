/* PIT channel 0 periodic interrupt on IRQ 0, 8259 PICs remapped to vectors 32..47. */
#include "lib.h"

volatile uint32_t timer_ticks;

static void timer_tick(void) { timer_ticks++; }

void timer_start(uint32_t hz)
{
    static const uint8_t icw[2][4] = { { 0x11, 32, 0x04, 0x01 }, { 0x11, 40, 0x02, 0x01 } };
    for (unsigned i = 0; i < 4; i++) { /* ICW1..ICW4: edge, cascade, 8086 mode */
        outb(i ? 0x21 : 0x20, icw[0][i]);
        outb(i ? 0xA1 : 0xA0, icw[1][i]);
    }
    outb(0x21, 0xFE); /* only IRQ 0 */
    outb(0xA1, 0xFF);
    irq_set_handler(0, timer_tick);
    uint32_t div = 1193182 / hz;
    outb(0x43, 0x34); /* channel 0, lo/hi, mode 2 */
    outb(0x40, (uint8_t)div);
    outb(0x40, (uint8_t)(div >> 8));
    asm volatile("sti");
}

void timer_stop(void)
{
    asm volatile("cli");
    outb(0x21, 0xFF);
    irq_set_handler(0, 0);
}
