/* Multiboot 1 (specification version 0.6.96): what an OS image declares in
 * its header (section 3.1) and what the boot loader hands it (3.2, 3.3). */
#ifndef BULWARK_MB1_H
#define BULWARK_MB1_H

#include "hv/lib.h"

#define MB1_HEADER_MAGIC 0x1BADB002u
#define MB1_BOOTLOADER_MAGIC 0x2BADB002u /* EAX at kernel entry (3.2) */
#define MB1_SEARCH_LEN 8192              /* header lies within these bytes */
#define MB1_HEADER_ALIGN 4

/* Header flags (3.1.2). Bits 0-15 are requirements, 16-31 optional. */
#define MB1_HF_PAGE_ALIGN (1u << 0) /* modules page (4 KiB) aligned */
#define MB1_HF_MEMORY_INFO (1u << 1) /* mem_* and mmap_* must be provided */
#define MB1_HF_VIDEO_MODE (1u << 2) /* video mode table wanted */
#define MB1_HF_REQUIRED_MASK 0xFFFFu
#define MB1_HF_AOUT_KLUDGE (1u << 16) /* address fields valid */

/* Header layout (3.1.1); the header is magic, flags, checksum, then the
 * address fields (if flag 16), then the graphics fields (if flag 2). */
struct mb1_header {
    uint32_t magic;
    uint32_t flags;
    uint32_t checksum;
    uint32_t header_addr;
    uint32_t load_addr;
    uint32_t load_end_addr;
    uint32_t bss_end_addr;
    uint32_t entry_addr;
    uint32_t mode_type;
    uint32_t width;
    uint32_t height;
    uint32_t depth;
};
#define MB1_HEADER_BASE_LEN 12u
#define MB1_HEADER_AOUT_LEN 32u
#define MB1_HEADER_VIDEO_LEN 48u

/* Info structure flags (3.3). */
#define MB1_INFO_MEMORY (1u << 0)
#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS (1u << 3)
#define MB1_INFO_MEM_MAP (1u << 6)
#define MB1_INFO_BOOT_LOADER_NAME (1u << 9)

/* Boot information structure (3.3), including the 0.6.96 framebuffer
 * fields so its size matches what GRUB passes. */
struct mb1_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB */
    uint32_t mem_upper; /* KiB */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
    uint32_t drives_length;
    uint32_t drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
    uint32_t apm_table;
    uint32_t vbe_control_info;
    uint32_t vbe_mode_info;
    uint16_t vbe_mode;
    uint16_t vbe_interface_seg;
    uint16_t vbe_interface_off;
    uint16_t vbe_interface_len;
    uint64_t framebuffer_addr;
    uint32_t framebuffer_pitch;
    uint32_t framebuffer_width;
    uint32_t framebuffer_height;
    uint8_t framebuffer_bpp;
    uint8_t framebuffer_type;
    uint8_t color_info[6];
} __attribute__((packed));
_Static_assert(sizeof(struct mb1_info) == 116, "Multiboot1 info layout");

/* Module list entry (3.3): [mod_start, mod_end), NUL-terminated string. */
struct mb1_module {
    uint32_t mod_start;
    uint32_t mod_end;
    uint32_t string;
    uint32_t reserved;
};
_Static_assert(sizeof(struct mb1_module) == 16, "Multiboot1 module layout");

/* Memory map entry (3.3). `size` counts the bytes after itself; mmap_addr
 * points at the first entry's size field. */
struct mb1_mmap_entry {
    uint32_t size;
    uint64_t base_addr;
    uint64_t length;
    uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "Multiboot1 mmap layout");

#endif
