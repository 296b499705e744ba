#include "hv/hypercall.h"
#include "hv/enforce.h"
#include "hv/event.h"
#include "hv/mm.h"
#include "vmx/guest_virt.h"

static uint64_t arm(struct cpu *c)
{
    if (enforce_arm_hypercall(c))
        return HC_OK;
    struct event e = { .kind = "arm-refused", .resource = "vmcall", .has_value = true, .value = HC_ARM };
    enforce_event_init(c, &e, NULL);
    enforce_verdict(POLICY_DENY, &e);
    return HC_EDENIED;
}

/* The guest's buffer is untrusted: all of [RBX, RBX+RCX) (at most 64 KiB)
 * is translated through the guest's page tables and must be writable
 * guest RAM before any byte is copied (vmx/guest_virt.c); otherwise
 * HC_EFAULT and nothing is written. */
static uint64_t read_log(struct cpu *c)
{
    uint64_t *r = c->regs.gpr;
    uint64_t next;
    if (!r[REG_RCX] || guest_check_writable_virt(r[REG_RBX], r[REG_RCX]))
        return HC_EFAULT;
    size_t n = event_ring_read(r[REG_RDX], c->hypercall_buf, MIN(r[REG_RCX], HC_READ_LOG_MAX), &next);
    if (guest_write_virt(r[REG_RBX], c->hypercall_buf, n))
        return HC_EFAULT;
    r[REG_RBX] = n;
    r[REG_RCX] = next;
    return HC_OK;
}

void hypercall_dispatch(struct cpu *c)
{
    uint64_t *r = c->regs.gpr;
    switch (r[REG_RAX]) {
    case HC_PING:
        r[REG_RBX] = HC_PING_MAGIC;
        break;
    case HC_INFO:
        r[REG_RBX] = hv_reserved_base();
        r[REG_RCX] = hv_reserved_size();
        r[REG_RDX] = HC_ABI_VERSION;
        break;
    case HC_ARM:
        r[REG_RAX] = arm(c);
        return;
    case HC_READ_LOG:
        r[REG_RAX] = read_log(c);
        return;
    default:
        r[REG_RAX] = HC_ENOSYS;
        return;
    }
    r[REG_RAX] = HC_OK;
}
