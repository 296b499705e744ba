#include "hv/event.h"
#include "hv/cpu.h"
#include "hv/log.h"
#include "hv/tsc.h"
#include "hv/x86.h"

/* Lock-free ring: a writer takes a sequence number with one atomic add and
 * writes slot seq % EVENT_RING_SLOTS. It claims the slot by swapping the
 * slot's `seq` from an older number to SLOT_BUSY (a writer 64 records
 * behind that still holds it finishes first; a newer record already there
 * means this one was overwritten before it was written, and it only goes
 * to the serial line); the record's number is stored once it is whole, so
 * a reader copies a record only when the number is the same before and
 * after the copy. CPUs recording at once wait for each other only when
 * one is a whole ring behind. */
#define SLOT_BUSY (~0ull)
struct ring_slot {
    volatile uint64_t seq;
    uint16_t len;
    char text[EVENT_RECORD_MAX];
};

static struct ring_slot ring[EVENT_RING_SLOTS];
static volatile uint64_t event_seq;

/* Token bucket measured in TSC ticks, one per CPU so the exit path shares
 * no state: each printed record costs ticks_per_record; the bucket holds
 * at most `burst` records' worth. The rate applies to each CPU. */
static uint64_t ticks_per_record, capacity;
static struct bucket {
    uint64_t level, last_tsc;
} buckets[MAX_CPUS];
static volatile uint64_t suppressed;

void event_rate_limit(uint64_t per_second, uint64_t burst)
{
    ticks_per_record = per_second ? tsc_hz() / per_second : 0;
    capacity = ticks_per_record * MAX(burst, 1);
    for (unsigned i = 0; i < MAX_CPUS; i++)
        buckets[i] = (struct bucket){ capacity, rdtsc() };
}

static bool rate_allows(unsigned cpu)
{
    if (!ticks_per_record)
        return true;
    struct bucket *b = &buckets[cpu % MAX_CPUS];
    uint64_t now = rdtsc();
    b->level = MIN(capacity, b->level + (now - b->last_tsc));
    b->last_tsc = now;
    if (b->level < ticks_per_record)
        return false;
    b->level -= ticks_per_record;
    return true;
}

void event_flush_suppressed(void)
{
    uint64_t n = __atomic_exchange_n(&suppressed, 0, __ATOMIC_RELAXED);
    if (n)
        hv_log("%lu records suppressed (rate limit; all are in the ring buffer)", n);
}

static size_t format(const struct event *e, uint64_t seq, char *buf, size_t size)
{
    size_t n = 0;
#define ADD(...) n += (size_t)bw_snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__)
    ADD("{\"seq\":%lu,\"cpu\":%u,\"kind\":\"%s\"", seq, e->cpu, e->kind);
    if (e->resource)
        ADD(",\"resource\":\"%s\"", e->resource);
    if (e->rule_line)
        ADD(",\"rule\":%u", e->rule_line);
    if (e->has_gpa)
        ADD(",\"gpa\":\"0x%lx\"", e->gpa);
    if (e->has_gva)
        ADD(",\"gva\":\"0x%lx\"", e->gva);
    if (e->access)
        ADD(",\"access\":\"%s\"", e->access);
    if (e->has_value)
        ADD(",\"value\":\"0x%lx\"", e->value);
    if (e->has_limit)
        ADD(",\"limit\":\"0x%lx\"", e->limit);
    if (e->size)
        ADD(",\"size\":%u", e->size);
    ADD(",\"rip\":\"0x%lx\",\"cpl\":%u,\"bits\":%u,\"action\":\"%s\"", e->rip, e->cpl, e->bits, e->action);
    if (e->audit)
        ADD(",\"mode\":\"audit\"");
    ADD(",\"insn\":\"");
    for (unsigned i = 0; i < e->insn_len && i < sizeof(e->insn); i++)
        ADD(i ? " %02x" : "%02x", e->insn[i]);
    ADD("\"}");
#undef ADD
    return MIN(n, size - 1);
}

void event_emit(const struct event *e)
{
    uint64_t seq = __atomic_add_fetch(&event_seq, 1, __ATOMIC_SEQ_CST);
    struct ring_slot *s = &ring[seq % EVENT_RING_SLOTS];
    char line[EVENT_RECORD_MAX];
    size_t len = format(e, seq, line, sizeof(line));
    uint64_t held = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
    while (held == SLOT_BUSY || held < seq) {
        if (held != SLOT_BUSY &&
            __atomic_compare_exchange_n(&s->seq, &held, SLOT_BUSY, false, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
            memcpy(s->text, line, len);
            s->len = (uint16_t)len;
            __atomic_store_n(&s->seq, seq, __ATOMIC_RELEASE);
            break;
        }
        cpu_relax();
        held = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
    }
    if (!rate_allows(e->cpu)) {
        __atomic_fetch_add(&suppressed, 1, __ATOMIC_RELAXED);
        return;
    }
    event_flush_suppressed();
    line[len] = '\0';
    hv_log_raw("%s\n", line);
}

size_t event_ring_read(uint64_t first, char *buf, size_t size, uint64_t *next)
{
    size_t n = 0;
    uint64_t last = __atomic_load_n(&event_seq, __ATOMIC_ACQUIRE);
    uint64_t oldest = last >= EVENT_RING_SLOTS ? last - EVENT_RING_SLOTS + 1 : 1;
    uint64_t seq = MAX(first, oldest);
    for (; seq <= last; seq++) {
        const struct ring_slot *s = &ring[seq % EVENT_RING_SLOTS];
        if (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != seq)
            continue;   /* still being written, or already overwritten */
        size_t len = MIN(s->len, EVENT_RECORD_MAX);
        if (len + 1 > size - n)
            break;
        memcpy(buf + n, s->text, len);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&s->seq, __ATOMIC_RELAXED) != seq)
            continue;   /* overwritten while copied */
        n += len;
        buf[n++] = '\n';
    }
    *next = seq;
    return n;
}
