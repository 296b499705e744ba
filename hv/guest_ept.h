#ifndef BULWARK_GUEST_EPT_H
#define BULWARK_GUEST_EPT_H

#include "ept/ept.h"

/* The one EPT hierarchy every guest CPU uses (built in hv/main.c). */
extern struct ept guest_ept;

/* Change permissions on [gpa, gpa+len) and invalidate cached EPT
 * translations before returning, so no stale permission survives. */
int guest_ept_set(uint64_t gpa, uint64_t len, enum ept_perm perm);
/* The same, invalidating only this CPU's translations: for changes made
 * while every other CPU is held outside guest mode (world_stop) and undone
 * before they run again. */
int guest_ept_set_local(uint64_t gpa, uint64_t len, enum ept_perm perm);
/* The guest may write the page holding gpa. */
bool guest_ept_writable(uint64_t gpa);

#endif
