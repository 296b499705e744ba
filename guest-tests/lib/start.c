/* Kernel start-up, verdict and exit. */
#include "lib.h"

void serial_init(void);
void serial_drain(void);

void guest_exit(uint32_t value)
{
    serial_drain();
    outl(0xF4, value);              /* hypervisor / QEMU isa-debug-exit */
    for (const char *s = "Shutdown"; *s; s++)
        outb(0x8900, (uint8_t)*s);  /* bare Bochs */
    for (;;)
        asm volatile("cli; hlt");
}

void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    console_lock(); /* kept: no other CPU's output after the verdict */
    printk("Test result: FAIL ");
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
    guest_exit(1);
}

const char *cmdline_args(const struct mb1_info *mbi)
{
    if (!(mbi->flags & MB1_INFO_CMDLINE) || !mbi->cmdline)
        return "";
    const char *s = (const char *)mbi->cmdline;
    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

bool cmdline_has(const struct mb1_info *mbi, const char *word)
{
    size_t n = strlen(word);
    const char *a = cmdline_args(mbi);
    for (const char *p = a; *p; p++)
        if ((p == a || p[-1] == ' ') && !memcmp(p, word, n) && (p[n] == ' ' || !p[n]))
            return true;
    return false;
}

uint32_t cmdline_uint(const struct mb1_info *mbi, const char *key, uint32_t dflt)
{
    size_t n = strlen(key);
    for (const char *p = cmdline_args(mbi); *p; p++) {
        if ((p != cmdline_args(mbi) && p[-1] != ' ') || memcmp(p, key, n) || p[n] != '=')
            continue;
        uint32_t v = 0;
        for (p += n + 1; *p >= '0' && *p <= '9'; p++)
            v = v * 10 + (uint32_t)(*p - '0');
        return v;
    }
    return dflt;
}

void guest_start(uint32_t magic, struct mb1_info *mbi)
{
    serial_init();
    traps_init();
    if (magic != 0x2BADB002)
        fail("boot magic 0x%x, want 0x2badb002", magic);
    test_main(mbi);
    printk("Test result: PASS\n");
    guest_exit(0);
}
