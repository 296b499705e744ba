/* Benign kernel work the scenarios share: data passes over a kernel buffer
 * and page-table churn (a 4 MiB page split, remapped, written, merged). */
#include "lib.h"

#define CHURN_VA 0x00C00000u /* 12 MiB: the slot split into 4 KiB pages */
#define CHURN_PA 0x00800000u /* 8 MiB: the frames it is pointed at, read back identity-mapped */

uint32_t work_data_pass(uint32_t *d, uint32_t words, uint32_t seed)
{
    uint32_t x = seed, sum = 0;
    for (uint32_t i = 0; i < words; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        d[i] = x;
    }
    for (uint32_t i = 0; i < words; i++)
        sum += d[i] ^ i;
    return sum;
}

void work_churn(uint32_t round)
{
    paging_split(CHURN_VA);
    for (uint32_t i = 0; i < 64; i++)
        paging_map4k(CHURN_VA + (i << 12), CHURN_PA + (((i * 7 + round) & 1023) << 12));
    for (uint32_t i = 0; i < 64; i++)
        *(volatile uint32_t *)(CHURN_VA + (i << 12)) = round << 16 | i;
    for (uint32_t i = 0; i < 64; i++)
        if (*(volatile uint32_t *)(CHURN_PA + (((i * 7 + round) & 1023) << 12)) != (round << 16 | i))
            fail("page churn round %u page %u", round, i);
    paging_merge(CHURN_VA);
}
