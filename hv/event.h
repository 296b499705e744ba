/* Violation/interception records: one JSON object per line on the serial
 * log, schema in docs/events.md. Numbered across all CPUs. */
#ifndef BULWARK_EVENT_H
#define BULWARK_EVENT_H

#include "hv/lib.h"

struct event {
    unsigned cpu;
    const char *kind;       /* "hv-memory", "vmcall-denied", ... */
    const char *resource;   /* optional free text, e.g. MSR name */
    uint64_t gpa, gva;      /* valid when has_gpa / has_gva */
    bool has_gpa, has_gva;
    const char *access;     /* "read", "write", "fetch", ... */
    uint64_t value;         /* attempted value, when has_value */
    bool has_value;
    unsigned size;          /* bytes written/read, 0 = unknown */
    uint64_t rip;
    unsigned cpl;
    const char *action;     /* "deny", "log", "allow" */
    uint8_t insn[15];
    unsigned insn_len;
};

void event_emit(const struct event *e);

#endif
