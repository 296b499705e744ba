/* Freestanding C library subset. Shared code (compiled into the hypervisor
 * and into host tests) includes this instead of libc headers: in the
 * hypervisor the functions come from hv/lib.c, on the host from libc. */
#ifndef BULWARK_LIB_H
#define BULWARK_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef BULWARK_HOST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif

/* printf-style formatting into a buffer: %d %i %u %x %X %p %s %c %%, with
 * flags '-', '0', width, precision for %s, and length l/ll/z. Always
 * NUL-terminates (when size > 0); returns the length that would have been
 * written. Shared so host tests exercise it. */
int bw_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int bw_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
