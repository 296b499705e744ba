#include "hv/log.h"
#include "hv/serial.h"
#include "hv/spinlock.h"

static struct spinlock log_lock;

static void emit(const char *prefix, bool newline, const char *fmt, va_list ap)
{
    char line[512];
    size_t p = strlen(prefix);
    memcpy(line, prefix, p);
    int n = bw_vsnprintf(line + p, sizeof(line) - p - 1, fmt, ap);
    size_t len = p + MIN((size_t)n, sizeof(line) - p - 2);
    if (newline)
        line[len++] = '\n';
    spin_lock(&log_lock);
    serial_write(line, len);
    spin_unlock(&log_lock);
}

void hv_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("bulwark: ", true, fmt, ap);
    va_end(ap);
}

void hv_log_raw(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit("", false, fmt, ap);
    va_end(ap);
}
