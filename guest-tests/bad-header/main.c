/* bad-header: linked with a Multiboot 1 header whose checksum is off by one (see
 * guest-tests/build.mk); the hypervisor must refuse to launch it, so this never runs. */
#include "lib.h"

void test_main(struct mb1_info *mbi)
{
    (void)mbi;
    fail("launched despite a bad Multiboot header checksum");
}
