/* modules: two guest modules arrive as Multiboot modules, in order, byte for byte, with
 * their strings; the kernel's own command line arrives too. The expected contents are the
 * same files, embedded at build time. */
#include "lib.h"

#define EXPECTED_ARGS "count=2 names=alpha.txt,beta.txt"

asm(".section .rodata\n"
    "alpha_txt: .incbin \"guest-tests/modules/alpha.txt\"\nalpha_txt_end:\n"
    "beta_txt: .incbin \"guest-tests/modules/beta.txt\"\nbeta_txt_end:\n"
    ".previous");
extern const char alpha_txt[], alpha_txt_end[], beta_txt[], beta_txt_end[];

/* Under the hypervisor a module's string is exactly its name; bare loaders (GRUB, QEMU)
 * may hand over the file's path instead. */
static bool name_matches(const char *str, const char *name)
{
    size_t n = strlen(str), m = strlen(name);
    return !strcmp(str, name) || (n > m && str[n - m - 1] == '/' && !strcmp(str + n - m, name));
}

void test_main(struct mb1_info *mbi)
{
    const struct { const char *name, *start, *end; } want[2] = {
        { "alpha.txt", alpha_txt, alpha_txt_end }, { "beta.txt", beta_txt, beta_txt_end },
    };
    const char *args = cmdline_args(mbi);
    printk("args: %s\n", args);
    if (strcmp(args, EXPECTED_ARGS))
        fail("command line arguments \"%s\", want \"%s\"", args, EXPECTED_ARGS);
    if (!(mbi->flags & MB1_INFO_MODS) || mbi->mods_count != 2)
        fail("%u modules (flags 0x%x), want 2", mbi->mods_count, mbi->flags);
    const struct mb1_module *m = (const void *)mbi->mods_addr;
    for (unsigned i = 0; i < 2; i++) {
        uint32_t size = m[i].mod_end - m[i].mod_start, want_size = (uint32_t)(want[i].end - want[i].start);
        const char *str = m[i].string ? (const char *)m[i].string : "";
        printk("module %u: \"%s\" at 0x%x, %u bytes\n", i, str, m[i].mod_start, size);
        if (!name_matches(str, want[i].name))
            fail("module %u string \"%s\", want \"%s\"", i, str, want[i].name);
        if (m[i].mod_start & 0xFFF)
            fail("module %u at 0x%x is not page-aligned", i, m[i].mod_start);
        if (size != want_size || memcmp((const void *)m[i].mod_start, want[i].start, size))
            fail("module %u content differs (%u bytes, want %u)", i, size, want_size);
    }
}
