/* atk-straddle: one REP MOVSB that starts in an unprotected page and runs on into a
 * protected one (the policy's gpa rule on PROT_PAGE). The bytes before the boundary land
 * in every mode; the protected bytes land only in audit mode. */
#include "lib.h"

#define PROT_PAGE 0x00401000u /* gpa rule in the scenario's policy */
#define HEAD 32u              /* bytes before the boundary */
#define LEN  64u
#define OLD  0xAAu

static bool all(const volatile uint8_t *p, uint32_t n, uint8_t v)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i] != v)
            return false;
    return true;
}

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "atk-straddle");
    volatile uint8_t *dst = (volatile uint8_t *)(PROT_PAGE - HEAD);
    uint8_t src[LEN];
    memset((void *)dst, OLD, LEN + 64);
    memset(src, 0x5A, sizeof(src));
    prot_arm();
    uint32_t d = (uint32_t)dst, s = (uint32_t)src, n = LEN;
    printk("atk-straddle: rep movsb 0x%x..0x%x over the boundary at 0x%x\n", d, d + LEN - 1,
           PROT_PAGE);
    int vec = TRAP_TRY("rep movsb", : "+D"(d), "+S"(s), "+c"(n) :: "memory");
    printk("atk-straddle: vector %d, edi 0x%x ecx %u after\n", vec, d, n);
    if (vec >= 0)
        fail("rep movsb raised vector %d", vec);
    if (!all(dst, HEAD, 0x5A))
        fail("bytes before the boundary did not land");
    if (!all(dst + LEN, 64, OLD))
        fail("bytes after the copy changed");
    printk("straddle-unprotected: landed\n");
    bool landed = all(dst + HEAD, LEN - HEAD, 0x5A);
    if (!landed && !all(dst + HEAD, LEN - HEAD, OLD))
        fail("protected bytes partly written");
    prot_outcome("straddle-protected", landed);
}
