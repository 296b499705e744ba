/* Power off: drain the UART so no transcript byte is lost, then ask the
 * emulator or firmware to stop. Bochs quits on "Shutdown" written to port
 * 0x8900; QEMU/KVM on an ACPI PM1a write with the PIIX4 layout (0x604) and
 * Bochs' own PIIX4 (0xB004). On real hardware without those, halt — every
 * CPU, so the end of a run (a failure included) never leaves the guest
 * running unwatched on the others. */
#include "hv/idt.h"
#include "hv/rendezvous.h"
#include "hv/serial.h"
#include "hv/x86.h"

void hv_shutdown(void)
{
    cpu_stop_others();   /* on hardware the others would run on, perhaps unprotected */
    serial_drain();
    for (const char *s = "Shutdown"; *s; s++)
        outb(0x8900, (uint8_t)*s);
    outw(0xB004, 0x2000);
    outw(0x604, 0x2000);
    cpu_halt_forever();
    __builtin_unreachable();
}
