/* Interception records: one JSON object per line on the serial log (schema
 * in docs/events.md), numbered across all CPUs. Every record also enters
 * a bounded in-memory ring the guest agent can read (HC_READ_LOG); serial
 * output is rate-limited, the ring is not, and suppressed lines are
 * counted, never waited for. */
#ifndef BULWARK_EVENT_H
#define BULWARK_EVENT_H

#include "hv/lib.h"

struct event {
    unsigned cpu;
    const char *kind;       /* "memory-write", "msr-write", "cr-write", ... */
    const char *resource;   /* what was targeted, by name */
    unsigned rule_line;     /* policy line of the rule that matched, 0 = none */
    uint64_t gpa, gva;      /* valid when has_gpa / has_gva */
    bool has_gpa, has_gva;
    const char *access;     /* "read", "write", "fetch", ... */
    uint64_t value;         /* attempted value, when has_value */
    bool has_value;
    uint64_t limit;         /* attempted descriptor-table limit, when has_limit */
    bool has_limit;
    unsigned size;          /* bytes written/read, 0 = unknown */
    uint64_t rip;
    unsigned cpl;
    unsigned bits;          /* code size at rip: 16, 32 or 64 */
    const char *action;     /* "deny", "log", "allow" */
    bool audit;             /* policy in audit mode: the action was not enforced */
    uint8_t insn[15];
    unsigned insn_len;
};

#define EVENT_RING_SLOTS 64
#define EVENT_RECORD_MAX 512

void event_emit(const struct event *e);
/* Serial rate limit: `per_second` records with bursts of `burst`. */
void event_rate_limit(uint64_t per_second, uint64_t burst);
/* Print how many records the rate limit held back, if any. */
void event_flush_suppressed(void);
/* Copy whole records with seq >= first (oldest still in the ring first),
 * newline-terminated, into buf; returns bytes copied, *next = the seq to
 * ask for next time. */
size_t event_ring_read(uint64_t first, char *buf, size_t size, uint64_t *next);

#endif
