/* ELF load plan for a Multiboot 1 image without the a.out kludge (spec
 * 0.6.96, 3.1.3): ELF32/EM_386 or ELF64/EM_X86_64 executables, PT_LOAD
 * segments loaded at their physical addresses. */
#include "hv/guest_loader.h"

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define EHDR32_LEN 52
#define EHDR64_LEN 64
#define PHDR32_LEN 32
#define PHDR64_LEN 56

static int fail(const char **err, const char *msg)
{
    *err = msg;
    return -1;
}

static uint64_t rd(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    memcpy(&v, p, n); /* little-endian host and image */
    return v;
}

struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

static struct phdr read_phdr(const uint8_t *p, bool is64)
{
    if (is64)
        return (struct phdr){ (uint32_t)rd(p, 4), (uint32_t)rd(p + 4, 4), rd(p + 8, 8),
                              rd(p + 16, 8), rd(p + 24, 8), rd(p + 32, 8), rd(p + 40, 8) };
    return (struct phdr){ (uint32_t)rd(p, 4), (uint32_t)rd(p + 24, 4), rd(p + 4, 4),
                          rd(p + 8, 4), rd(p + 12, 4), rd(p + 16, 4), rd(p + 20, 4) };
}

int gl_parse_elf(const uint8_t *img, uint64_t len, struct gl_image *out,
                 const char **err)
{
    if (len < 16 || memcmp(img, "\x7f" "ELF", 4) != 0)
        return fail(err, "not an ELF image and the a.out kludge flag is clear");
    bool is64 = img[EI_CLASS] == ELFCLASS64;
    if (img[EI_CLASS] != ELFCLASS32 && !is64)
        return fail(err, "unsupported ELF class");
    if (img[EI_DATA] != ELFDATA2LSB)
        return fail(err, "ELF image is not little-endian");
    if (len < (is64 ? EHDR64_LEN : EHDR32_LEN))
        return fail(err, "ELF header truncated");
    if (rd(img + 16, 2) != ET_EXEC)
        return fail(err, "ELF image is not an executable (ET_EXEC)");
    if (rd(img + 18, 2) != (is64 ? EM_X86_64 : EM_386))
        return fail(err, is64 ? "ELF64 image is not for EM_X86_64"
                              : "ELF32 image is not for EM_386");

    uint64_t entry = is64 ? rd(img + 24, 8) : rd(img + 24, 4);
    uint64_t phoff = is64 ? rd(img + 32, 8) : rd(img + 28, 4);
    uint64_t phentsize = rd(img + (is64 ? 54 : 42), 2);
    uint64_t phnum = rd(img + (is64 ? 56 : 44), 2);
    if (phnum > GL_MAX_SEGMENTS)
        return fail(err, "ELF image has more than 64 program headers");
    if (phentsize < (is64 ? PHDR64_LEN : PHDR32_LEN))
        return fail(err, "ELF program header entry size too small");
    if (phoff > len || phnum * phentsize > len - phoff)
        return fail(err, "ELF program headers outside the image");

    out->entry = entry;
    bool translated = false;
    for (uint64_t i = 0; i < phnum; i++) {
        struct phdr ph = read_phdr(img + phoff + i * phentsize, is64);
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        if (ph.filesz > ph.memsz)
            return fail(err, "ELF segment file size exceeds its memory size");
        if (ph.offset > len || ph.filesz > len - ph.offset)
            return fail(err, "ELF segment extends past the end of the image");
        /* An entry inside a segment linked at vaddr != paddr (a higher-half
         * kernel) is translated to its physical address, as GRUB does. */
        if (!translated && ph.vaddr != ph.paddr && entry >= ph.vaddr &&
            entry - ph.vaddr < ph.memsz) {
            out->entry = entry - ph.vaddr + ph.paddr;
            translated = true;
        }
        out->seg[out->nseg++] =
            (struct gl_segment){ ph.paddr, ph.offset, ph.filesz, ph.memsz, ph.flags };
    }
    if (out->nseg == 0)
        return fail(err, "ELF image has no loadable segments");
    return 0;
}
