/* Serial log. Every call emits whole lines under one lock, so output from
 * several CPUs never interleaves mid-line. */
#ifndef BULWARK_LOG_H
#define BULWARK_LOG_H

#include "hv/lib.h"

/* "bulwark: <message>\n" */
void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The message verbatim (caller supplies the newline). */
void hv_log_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
