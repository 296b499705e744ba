#include "hv/event.h"
#include "hv/log.h"

static uint64_t event_seq;

void event_emit(const struct event *e)
{
    char buf[480];
    size_t n = 0;
#define ADD(...) n += (size_t)bw_snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, __VA_ARGS__)
    uint64_t seq = __atomic_add_fetch(&event_seq, 1, __ATOMIC_RELAXED);
    ADD("{\"seq\":%lu,\"cpu\":%u,\"kind\":\"%s\"", seq, e->cpu, e->kind);
    if (e->resource)
        ADD(",\"resource\":\"%s\"", e->resource);
    if (e->has_gpa)
        ADD(",\"gpa\":\"0x%lx\"", e->gpa);
    if (e->has_gva)
        ADD(",\"gva\":\"0x%lx\"", e->gva);
    if (e->access)
        ADD(",\"access\":\"%s\"", e->access);
    if (e->has_value)
        ADD(",\"value\":\"0x%lx\"", e->value);
    if (e->size)
        ADD(",\"size\":%u", e->size);
    ADD(",\"rip\":\"0x%lx\",\"cpl\":%u,\"action\":\"%s\",\"insn\":\"", e->rip, e->cpl, e->action);
    for (unsigned i = 0; i < e->insn_len && i < sizeof(e->insn); i++)
        ADD(i ? " %02x" : "%02x", e->insn[i]);
    ADD("\"}");
#undef ADD
    if (n >= sizeof(buf))
        n = sizeof(buf) - 1;
    hv_log_raw("%s\n", buf);
}
