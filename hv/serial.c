/* COM1 (16550 UART at 0x3F8), 115200 8N1, polled. */
#include "hv/serial.h"
#include "hv/x86.h"

#define COM1 0x3F8
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

void serial_init(void)
{
    outb(COM1 + 1, 0x00);   /* no interrupts */
    outb(COM1 + 3, 0x80);   /* DLAB */
    outb(COM1 + 0, 0x01);   /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1 */
    outb(COM1 + 2, 0xC7);   /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);   /* DTR, RTS */
}

static void put(char c)
{
    while (!(inb(COM1 + 5) & LSR_THRE))
        cpu_relax();
    outb(COM1, (uint8_t)c);
}

void serial_write(const char *s, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        if (s[i] == '\n')
            put('\r');
        put(s[i]);
    }
}

void serial_drain(void)
{
    while ((inb(COM1 + 5) & (LSR_THRE | LSR_TEMT)) != (LSR_THRE | LSR_TEMT))
        cpu_relax();
}
