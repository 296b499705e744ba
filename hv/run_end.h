/* How a run ends. Each path prints exactly one final `bulwark: RESULT`
 * line (the verdict the test harness and `make run` read), a summary of
 * what was intercepted, then powers the machine off. */
#ifndef BULWARK_RUN_END_H
#define BULWARK_RUN_END_H

#include <stdint.h>

__attribute__((noreturn)) void run_end_guest_exit(uint32_t value);
__attribute__((noreturn)) void run_end_triple_fault(void);
__attribute__((noreturn, format(printf, 1, 2))) void run_end_failure(const char *fmt, ...);

#endif
