#ifndef BULWARK_GUEST_VIRT_H
#define BULWARK_GUEST_VIRT_H

#include "hv/guest_walk.h"

/* The current guest's paging state, from the VMCS. */
void guest_paging_current(struct guest_paging *pg);
/* Copy to guest-linear memory through the guest's page tables, page by
 * page, as a supervisor write. Returns 0, or -1 if any byte is not mapped
 * writable, not guest RAM, or write-protected by EPT; every page is
 * checked before the first byte is copied. */
int guest_write_virt(uint64_t gva, const void *src, size_t len);
/* The whole range is writable guest RAM (at most 64 KiB). */
int guest_check_writable_virt(uint64_t gva, size_t len);
/* Translate one linear address for an access (WALK_* flags); -1 on failure. */
int guest_translate(uint64_t gva, unsigned access, uint64_t *gpa);

#endif
