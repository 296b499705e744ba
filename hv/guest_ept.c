/* The shared EPT: one writer at a time (page splits are not atomic), and
 * every change reaches all CPUs' cached translations before it counts. */
#include "hv/guest_ept.h"
#include "ept/invept.h"
#include "hv/rendezvous.h"
#include "hv/spinlock.h"

static struct spinlock ept_lock;

static int set_perm(uint64_t gpa, uint64_t len, enum ept_perm perm)
{
    spin_lock(&ept_lock);
    int rc = ept_set_perm(&guest_ept, gpa, len, perm);
    spin_unlock(&ept_lock);
    return rc;
}

int guest_ept_set(uint64_t gpa, uint64_t len, enum ept_perm perm)
{
    int rc = set_perm(gpa, len, perm);
    ept_shootdown(this_cpu());
    return rc;
}

int guest_ept_set_local(uint64_t gpa, uint64_t len, enum ept_perm perm)
{
    int rc = set_perm(gpa, len, perm);
    invept_single_context(ept_eptp(&guest_ept));
    return rc;
}

bool guest_ept_writable(uint64_t gpa)
{
    enum ept_perm perm;
    return ept_get(&guest_ept, gpa, &perm, NULL, NULL) == EPT_OK && (perm & EPT_W);
}
