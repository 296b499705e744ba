/* COM1 output and a small printf: %s %d %u %x, width, '0' flag, l/ll sizes. */
#include "lib.h"

#define COM1 0x3F8

void serial_drain(void)
{
    while ((inb(COM1 + 5) & 0x60) != 0x60)
        ;
}

/* Waits for whatever a previous user (the hypervisor, the loader) still transmits:
 * reprogramming the UART mid-character loses it. */
void serial_init(void)
{
    serial_drain();
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0x07); /* FIFO on, cleared */
}

static void serial_putc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

/* Divides *v by 10 and returns the remainder, without libgcc's 64-bit division. */
static unsigned div10(uint64_t *v)
{
    uint32_t hi = (uint32_t)(*v >> 32), lo = (uint32_t)*v, qhi = hi / 10, qlo, rem = hi % 10;
    asm("divl %4" : "=a"(qlo), "=d"(rem) : "a"(lo), "d"(rem), "rm"(10u));
    *v = (uint64_t)qhi << 32 | qlo;
    return rem;
}

static void put_num(uint64_t v, unsigned base, int width, char pad, bool neg)
{
    char buf[24];
    int n = 0;
    do {
        unsigned d = base == 10 ? div10(&v) : (unsigned)(v & 15);
        if (base == 16)
            v >>= 4;
        buf[n++] = "0123456789abcdef"[d];
    } while (v);
    if (neg)
        buf[n++] = '-';
    for (; width > n; width--)
        serial_putc(pad);
    while (n)
        serial_putc(buf[--n]);
}

void vprintk(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            serial_putc(*fmt);
            continue;
        }
        char pad = ' ';
        int width = 0, longs = 0;
        if (*++fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')
            longs++, fmt++;
        uint64_t v;
        switch (*fmt) {
        case 's':
            for (const char *s = va_arg(ap, const char *); *s; s++)
                serial_putc(*s);
            break;
        case 'd': {
            int64_t s = longs >= 2 ? va_arg(ap, int64_t) : va_arg(ap, int32_t);
            put_num(s < 0 ? -(uint64_t)s : (uint64_t)s, 10, width, pad, s < 0);
            break;
        }
        case 'u':
        case 'x':
            v = longs >= 2 ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
            put_num(v, *fmt == 'u' ? 10 : 16, width, pad, false);
            break;
        case '\0': return;
        default: serial_putc(*fmt); break;
        }
    }
}

/* Owner: this CPU's index + 1; depth lets one CPU nest (fail() inside a printk). */
static volatile uint32_t lock_owner, lock_depth;
#define LOCK_SPINS (1u << 24)

void console_lock(void)
{
    uint32_t me = cpu_self() + 1, free = 0;
    if (lock_owner == me) {
        lock_depth++;
        return;
    }
    for (uint32_t i = 0; i < LOCK_SPINS; i++, free = 0) {
        if (__atomic_compare_exchange_n(&lock_owner, &free, me, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            break;
        asm volatile("pause");
    }
    lock_owner = me; /* taken, or taken over from a holder that never let go */
    lock_depth = 1;
}

void console_unlock(void)
{
    if (--lock_depth == 0)
        __atomic_store_n(&lock_owner, 0, __ATOMIC_RELEASE);
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    console_lock();
    vprintk(fmt, ap);
    console_unlock();
    va_end(ap);
}
