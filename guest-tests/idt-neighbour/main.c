/* idt-neighbour: the IDT shares its 4 KiB page with ordinary data. After arming, writes
 * to the bytes right before and after the table (and elsewhere in the page) must land
 * and raise no record: plain MOVs, then every instruction kind the hypervisor emulates
 * (each checked against the same instruction on an unprotected page: memory, registers
 * and status flags), then REP STOS/MOVS in both directions. The table keeps working, and
 * after all of them a write to the table itself is still blocked. */
#include "lib.h"

#define STATUS_FLAGS 0x8D5u /* CF PF AF ZF SF OF */

static struct {
    uint8_t before[1024];
    struct idt_entry idt[IDT_ENTRIES];
    uint8_t after[4096 - 1024 - IDT_ENTRIES * sizeof(struct idt_entry)];
} page __attribute__((aligned(4096)));

static uint8_t plain[4096] __attribute__((aligned(4096))); /* the reference: never protected */
static uint32_t neighbour_writes;

static void check(const char *what, volatile uint32_t *p, uint32_t v)
{
    *p = v;
    neighbour_writes++;
    if (*p != v)
        fail("%s write at 0x%x did not land (reads 0x%x)", what, (uint32_t)p, *p);
}

/* One instruction on the dword at p: EBX the source, EAX the accumulator, status flags in. */
struct state {
    uint32_t mem, ebx, eax, flags;
};

#define OP(name, insn)                                                                          \
    static void name(volatile uint32_t *p, struct state *s)                                     \
    {                                                                                           \
        uint32_t fl = (s->flags & STATUS_FLAGS) | 0x2u, b = s->ebx, a = s->eax;                   \
        *p = s->mem;                                                                            \
        asm volatile("pushf\n\tandl $~0x8D5, (%%esp)\n\torl %[fl], (%%esp)\n\tpopf\n\t" insn      \
                     "\n\tpushf\n\tpopl %[fl]"                                                  \
                     : [fl] "+r"(fl), "+b"(b), "+a"(a)                                          \
                     : [p] "r"(p)                                                               \
                     : "cc", "memory");                                                         \
        *s = (struct state){ *p, b, a, fl & STATUS_FLAGS };                                     \
    }

OP(op_mov_reg, "movl %%ebx, (%[p])")
OP(op_mov_byte_imm, "movb $0xA5, 1(%[p])")
OP(op_add, "addl %%ebx, (%[p])")
OP(op_add_imm8, "addl $-1, (%[p])")
OP(op_adc, "adcl %%ebx, (%[p])")
OP(op_sub_word, "subw %%bx, (%[p])")
OP(op_sbb, "sbbl %%ebx, (%[p])")
OP(op_and, "andl %%ebx, (%[p])")
OP(op_or_imm, "orl $0x80000001, (%[p])")
OP(op_xor_byte, "xorb %%bl, 2(%[p])")
OP(op_inc, "incl (%[p])")
OP(op_dec_word, "decw (%[p])")
OP(op_neg_byte, "negb 3(%[p])")
OP(op_not, "notl (%[p])")
OP(op_xchg, "xchgl %%ebx, (%[p])")
OP(op_xchg_high, "xchgb %%bh, 1(%[p])")
OP(op_cmpxchg, "lock cmpxchgl %%ebx, (%[p])")
OP(op_cmpxchg_nolock, "cmpxchgw %%bx, (%[p])")
OP(op_xadd, "lock xaddl %%ebx, (%[p])")
OP(op_bts, "lock btsl $33, (%[p])")
OP(op_btr, "btrl $7, (%[p])")
OP(op_btc, "btcw $15, (%[p])")

static const struct {
    const char *name;
    void (*run)(volatile uint32_t *, struct state *);
} ops[] = {
    { "mov r32", op_mov_reg }, { "mov imm8", op_mov_byte_imm }, { "add", op_add },
    { "add imm8", op_add_imm8 }, { "adc", op_adc }, { "sub r16", op_sub_word }, { "sbb", op_sbb },
    { "and", op_and }, { "or imm32", op_or_imm }, { "xor r8", op_xor_byte }, { "inc", op_inc },
    { "dec m16", op_dec_word }, { "neg m8", op_neg_byte }, { "not", op_not }, { "xchg", op_xchg },
    { "xchg bh", op_xchg_high }, { "lock cmpxchg", op_cmpxchg }, { "cmpxchg m16", op_cmpxchg_nolock },
    { "lock xadd", op_xadd }, { "lock bts", op_bts }, { "btr", op_btr }, { "btc m16", op_btc },
};

static const struct state inputs[] = {
    { 0x7FFFFFFF, 0x00000001, 0x7FFFFFFF, 0x000 },
    { 0xFFFFFFFF, 0xFFFFFFFF, 0x12345678, 0x8D5 },
    { 0x00000080, 0x80808080, 0x00000080, 0x001 },
    { 0x00000000, 0x00010000, 0x00000000, 0x040 },
    { 0x0000000F, 0x00000001, 0x0000000F, 0x010 },
    { 0x12345678, 0x9ABCDEF0, 0x11111111, 0x004 },
    { 0x80000000, 0x80000000, 0x7FFFFFFF, 0x880 },
};

/* Every op at both ends of the table on the protected page, compared with the same op on
 * the plain page. */
static void check_ops(void)
{
    volatile uint32_t *at[] = { (volatile uint32_t *)&page.before[1016],
                                (volatile uint32_t *)&page.after[4] };
    for (uint32_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
        for (uint32_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
            for (uint32_t w = 0; w < 2; w++) {
                struct state want = inputs[i], got = inputs[i];
                ops[k].run((volatile uint32_t *)&plain[8], &want);
                ops[k].run(at[w], &got);
                neighbour_writes++;
                if (got.mem != want.mem || got.ebx != want.ebx || got.eax != want.eax ||
                    got.flags != want.flags)
                    fail("%s, input %u at 0x%x: mem/ebx/eax/flags 0x%x/0x%x/0x%x/0x%x, "
                         "want 0x%x/0x%x/0x%x/0x%x", ops[k].name, i, (uint32_t)at[w], got.mem, got.ebx,
                         got.eax, got.flags, want.mem, want.ebx, want.eax, want.flags);
            }
    printk("idt-neighbour: %u instruction forms beside the IDT match an unprotected page\n",
           (uint32_t)(sizeof(ops) / sizeof(ops[0])));
}

/* A REP string instruction: edi/esi/ecx in, compared with the same on the plain page. */
struct rep {
    uint32_t edi, esi, ecx;
};

#define REP(name, insn)                                                                         \
    static void name(struct rep *r, uint32_t eax)                                              \
    {                                                                                           \
        asm volatile(insn "\n\tcld" : "+D"(r->edi), "+S"(r->esi), "+c"(r->ecx) : "a"(eax)         \
                     : "cc", "memory");                                                         \
    }
REP(rep_stosl, "cld\n\trep stosl")
REP(rep_stosb_down, "std\n\trep stosb")
REP(rep_movsb, "cld\n\trep movsb")
REP(rep_movsl_down, "std\n\trep movsl")

static void check_rep(const char *what, void (*run)(struct rep *, uint32_t), uint32_t dst_off, uint32_t src,
                      uint32_t count, uint8_t *region, uint32_t len)
{
    struct rep got = { (uint32_t)&page + dst_off, src, count }, want = { (uint32_t)plain + dst_off, src, count };
    memset(plain, 0, sizeof(plain));
    memset(region, 0, len);
    run(&want, 0x5A5A5A5A ^ count);
    run(&got, 0x5A5A5A5A ^ count);
    neighbour_writes += count;
    if (got.edi - (uint32_t)&page != want.edi - (uint32_t)plain || got.esi != want.esi || got.ecx != want.ecx)
        fail("%s: edi/esi/ecx 0x%x/0x%x/%u, want page+0x%x/0x%x/%u", what, got.edi, got.esi, got.ecx,
             want.edi - (uint32_t)plain, want.esi, want.ecx);
    if (memcmp(region, plain + (region - (uint8_t *)&page), len))
        fail("%s: the written bytes differ from the unprotected page's", what);
}

static void check_strings(void)
{
    static uint8_t source[1024];
    for (uint32_t i = 0; i < sizeof(source); i++)
        source[i] = (uint8_t)(i * 7 + 3);
    check_rep("rep stosl before the IDT", rep_stosl, 0, 0, 256, page.before, sizeof(page.before));
    check_rep("std; rep stosb after the IDT", rep_stosb_down, 4095, 0, sizeof(page.after), page.after,
              sizeof(page.after));
    check_rep("rep movsb before the IDT", rep_movsb, 24, (uint32_t)source, 1000, page.before,
              sizeof(page.before));
    check_rep("std; rep movsl after the IDT", rep_movsl_down, 4092, (uint32_t)&source[1020], 200, page.after,
              sizeof(page.after));
    printk("idt-neighbour: rep stos/movs in both directions beside the IDT landed\n");
}

void test_main(struct mb1_info *mbi)
{
    prot_init(mbi, "idt-neighbour");
    idt_install(page.idt);
    struct idt_entry copy[IDT_ENTRIES];
    memcpy(copy, page.idt, sizeof(copy));
    printk("idt-neighbour: IDT at 0x%x-0x%x in page 0x%x\n", (uint32_t)page.idt,
           (uint32_t)page.idt + (uint32_t)sizeof(page.idt) - 1, (uint32_t)&page);
    prot_arm();
    for (uint32_t round = 0; round < 100; round++) {
        check("before", (volatile uint32_t *)&page.before[1020], round);
        check("after", (volatile uint32_t *)&page.after[0], ~round);
        check("page start", (volatile uint32_t *)&page.before[0], round * 3);
        check("page end", (volatile uint32_t *)&page.after[sizeof(page.after) - 4], round * 5);
        page.after[1] = (uint8_t)round; /* byte-sized, right after the last gate */
        neighbour_writes++;
        if (page.after[1] != (uint8_t)round)
            fail("byte write after the IDT did not land");
    }
    printk("idt-neighbour: 500 writes around the IDT landed\n");
    check_ops();
    check_strings();
    if (memcmp(copy, page.idt, sizeof(copy)))
        fail("IDT changed");
    if (TRAP_TRY("ud2") != VEC_UD)
        fail("ud2 raised vector %d through the IDT", trap_vector);
    printk("idt-neighbour: IDT intact and working\n");
    /* The neighbour writes must not have left the page writable. */
    volatile uint16_t *gate = (volatile uint16_t *)&page.idt[40];
    uint16_t was = *gate;
    printk("idt-neighbour: gate 40 at 0x%x\n", (uint32_t)gate);
    *gate = (uint16_t)~was;
    printk("idt-neighbour: %u neighbour writes so far\n", neighbour_writes);
    prot_outcome("idt-neighbour: protected write after them", *gate != was);
}
