#include "hv/event.h"
#include "hv/log.h"
#include "hv/spinlock.h"
#include "hv/tsc.h"
#include "hv/x86.h"

struct ring_slot {
    uint64_t seq;
    uint16_t len;
    char text[EVENT_RECORD_MAX];
};

static struct ring_slot ring[EVENT_RING_SLOTS];
static struct spinlock ring_lock;
static uint64_t event_seq;

/* Token bucket measured in TSC ticks: each printed record costs
 * ticks_per_record; the bucket holds at most `burst` records' worth. */
static struct {
    uint64_t ticks_per_record, capacity, bucket, last_tsc, suppressed;
} rate;

void event_rate_limit(uint64_t per_second, uint64_t burst)
{
    rate.ticks_per_record = per_second ? tsc_hz() / per_second : 0;
    rate.capacity = rate.ticks_per_record * MAX(burst, 1);
    rate.bucket = rate.capacity;
    rate.last_tsc = rdtsc();
}

static bool rate_allows(void)
{
    if (!rate.ticks_per_record)
        return true;
    uint64_t now = rdtsc();
    rate.bucket = MIN(rate.capacity, rate.bucket + (now - rate.last_tsc));
    rate.last_tsc = now;
    if (rate.bucket < rate.ticks_per_record)
        return false;
    rate.bucket -= rate.ticks_per_record;
    return true;
}

void event_flush_suppressed(void)
{
    uint64_t n = __atomic_exchange_n(&rate.suppressed, 0, __ATOMIC_RELAXED);
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
    ADD(",\"rip\":\"0x%lx\",\"cpl\":%u,\"action\":\"%s\"", e->rip, e->cpl, e->action);
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
    spin_lock(&ring_lock);
    uint64_t seq = ++event_seq;
    struct ring_slot *s = &ring[seq % EVENT_RING_SLOTS];
    s->seq = seq;
    s->len = (uint16_t)format(e, seq, s->text, sizeof(s->text));
    char line[EVENT_RECORD_MAX];
    memcpy(line, s->text, s->len);
    line[s->len] = '\0';
    bool print = rate_allows();
    if (!print)
        rate.suppressed++;
    spin_unlock(&ring_lock);
    if (print) {
        event_flush_suppressed();
        hv_log_raw("%s\n", line);
    }
}

size_t event_ring_read(uint64_t first, char *buf, size_t size, uint64_t *next)
{
    size_t n = 0;
    spin_lock(&ring_lock);
    uint64_t oldest = event_seq >= EVENT_RING_SLOTS ? event_seq - EVENT_RING_SLOTS + 1 : 1;
    uint64_t seq = MAX(first, oldest);
    for (; seq <= event_seq; seq++) {
        const struct ring_slot *s = &ring[seq % EVENT_RING_SLOTS];
        if ((size_t)s->len + 1 > size - n)
            break;
        memcpy(buf + n, s->text, s->len);
        n += s->len;
        buf[n++] = '\n';
    }
    spin_unlock(&ring_lock);
    *next = seq;
    return n;
}
