#!/usr/bin/env python3
"""Write seed inputs for the fuzz harnesses: OUT/multiboot2/*.bin
(Multiboot2 info structures), OUT/guest_loader/*.bin (Multiboot1 kernel
images: ELF32, ELF64 higher half, a.out kludge) and OUT/acpi/*.bin (physical
memory images holding an RSDP, RSDT/XSDT and MADT)."""
import os
import struct
import sys

MB1_MAGIC = 0x1BADB002


def tag(ttype, payload):
    data = struct.pack("<II", ttype, 8 + len(payload)) + payload
    return data + b"\0" * (-len(data) % 8)


def mb2_info(tags):
    body = b"".join(tags) + tag(0, b"")
    return struct.pack("<II", 8 + len(body), 0) + body


def mb2_seeds():
    mmap = struct.pack("<II", 24, 0) + b"".join(
        struct.pack("<QQII", base, length, typ, 0)
        for base, length, typ in [(0, 0x9FC00, 1), (0x9FC00, 0x400, 2),
                                  (0xF0000, 0x10000, 2), (0x100000, 0x7EF0000, 1)])
    full = mb2_info([
        tag(1, b"bulwark serial=0x3f8\0"),
        tag(3, struct.pack("<II", 0x100000, 0x180000) + b"guest /boot/k root=/\0"),
        tag(3, struct.pack("<II", 0x180000, 0x181000) + b"guest-module initrd\0"),
        tag(3, struct.pack("<II", 0x181000, 0x181800) + b"policy\0"),
        tag(4, struct.pack("<II", 639, 130048)),
        tag(6, mmap),
        tag(14, b"RSD PTR " + bytes(12)),
        tag(15, b"RSD PTR " + bytes(28)),
        tag(21, struct.pack("<I", 0x7E000000)),
    ])
    return {"full": full, "minimal": mb2_info([]),
            "unknown": mb2_info([tag(2, b"GRUB 2.06\0"), tag(99, b"xyz")])}


def mb1_header(flags, extra=b""):
    return struct.pack("<III", MB1_MAGIC, flags, -(MB1_MAGIC + flags) & 0xFFFFFFFF) + extra


def elf(is64, entry, segs, flags):
    """segs: (vaddr, paddr, offset, filesz, memsz); header at 0x100."""
    img = bytearray((i * 31 + 7) & 0xFF for i in range(0x3000))
    if is64:
        eh = struct.pack("<4sBBBB8xHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 2, 62, 1,
                         entry, 0x40, 0, 0, 64, 56, len(segs), 0, 0, 0)
        ph = b"".join(struct.pack("<IIQQQQQQ", 1, 7, o, v, p, fs, ms, 0x1000)
                      for v, p, o, fs, ms in segs)
    else:
        eh = struct.pack("<4sBBBB8xHHIIIIIHHHHHH", b"\x7fELF", 1, 1, 1, 0, 2, 3, 1,
                         entry, 0x40, 0, 0, 52, 32, len(segs), 0, 0, 0)
        ph = b"".join(struct.pack("<IIIIIIII", 1, o, v, p, fs, ms, 7, 0x1000)
                      for v, p, o, fs, ms in segs)
    img[0:len(eh)] = eh
    img[0x40:0x40 + len(ph)] = ph
    hdr = mb1_header(flags)
    img[0x100:0x100 + len(hdr)] = hdr
    return bytes(img)


def loader_seeds():
    aout = bytearray(0x2000)
    aout[0x40:0x60] = mb1_header(0x10003, struct.pack(
        "<IIIII", 0x100040, 0x100000, 0x101800, 0x104000, 0x100080))
    return {
        "elf32": elf(False, 0x100010, [(0x100000, 0x100000, 0x1000, 0x1000, 0x3000),
                                       (0x104000, 0x104000, 0x2000, 0x800, 0x800)], 3),
        "elf64_high": elf(True, 0xFFFFFFFF80100020,
                          [(0xFFFFFFFF80100000, 0x100000, 0x1000, 0x2000, 0x4000)], 1),
        "elf32_video": elf(False, 0x200000, [(0x200000, 0x200000, 0x1000, 0x1000, 0x1000)], 4),
        "aout": bytes(aout),
    }


def checksum_fix(data, at):
    """Sets byte `at` so that all bytes of data sum to zero (mod 256)."""
    data[at] = 0
    data[at] = -sum(data) & 0xFF
    return data


def sdt(sig, body):
    """ACPI 6.5 section 5.2.6 table header followed by body."""
    hdr = struct.pack("<4sIBB6s8sI4sI", sig, 36 + len(body), 1, 0, b"BULWRK",
                      b"FUZZSEED", 1, b"BWRK", 1)
    return bytes(checksum_fix(bytearray(hdr + body), 9))


def rsdp(revision, rsdt, xsdt):
    """ACPI 6.5 section 5.2.5.3: 20 bytes (revision 0) or 36."""
    r = bytearray(struct.pack("<8sB6sBI", b"RSD PTR ", 0, b"BULWRK", revision, rsdt))
    checksum_fix(r, 8)
    if revision >= 2:
        r += struct.pack("<IQB3x", 36, xsdt, 0)
        checksum_fix(r, 32)
    return bytes(r)


def madt():
    """Section 5.2.12: two local APICs, an I/O APIC, an override, x2APIC."""
    entries = (struct.pack("<BBBBI", 0, 8, 1, 0, 1) + struct.pack("<BBBBI", 0, 8, 2, 1, 1) +
               struct.pack("<BBBBII", 1, 12, 2, 0, 0xFEC00000, 0) +
               struct.pack("<BBHQ", 5, 12, 0, 0xFEE00000) +
               struct.pack("<BBHIII", 9, 16, 0, 0x100, 1, 3))
    return sdt(b"APIC", struct.pack("<II", 0xFEE00000, 1) + entries)


def image(parts, size):
    img = bytearray(size)
    for at, data in parts:
        img[at:at + len(data)] = data
    return bytes(img)


def acpi_seeds():
    """Images at physical 0: RSDP at 0, RSDT at 0x40, XSDT at 0x80, MADT at 0x100;
    the EBDA seed has no RSDP at 0 but one in the EBDA (segment 0x50 at 0x40E)."""
    tables = [(0x40, sdt(b"RSDT", struct.pack("<I", 0x100))),
              (0x80, sdt(b"XSDT", struct.pack("<Q", 0x100))), (0x100, madt())]
    return {
        "rsdt": image([(0, rsdp(0, 0x40, 0))] + tables, 0x200),
        "xsdt": image([(0, rsdp(2, 0x40, 0x80))] + tables, 0x200),
        "ebda": image([(0x40E, struct.pack("<H", 0x50)), (0x500, rsdp(2, 0x40, 0x80))] + tables,
                      0x900),
    }


def main():
    out = sys.argv[1]
    for name, seeds in (("multiboot2", mb2_seeds()), ("guest_loader", loader_seeds()),
                        ("acpi", acpi_seeds())):
        os.makedirs(os.path.join(out, name), exist_ok=True)
        for seed, data in seeds.items():
            with open(os.path.join(out, name, seed + ".bin"), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
