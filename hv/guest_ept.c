#include "hv/guest_ept.h"
#include "ept/invept.h"

int guest_ept_set(uint64_t gpa, uint64_t len, enum ept_perm perm)
{
    int rc = ept_set_perm(&guest_ept, gpa, len, perm);
    invept_single_context(ept_eptp(&guest_ept));
    return rc;
}

bool guest_ept_writable(uint64_t gpa)
{
    enum ept_perm perm;
    return ept_get(&guest_ept, gpa, &perm, NULL, NULL) == EPT_OK && (perm & EPT_W);
}
