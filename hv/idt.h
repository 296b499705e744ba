#ifndef BULWARK_IDT_H
#define BULWARK_IDT_H

#define HOST_CODE_SEL 0x08
#define HOST_DATA_SEL 0x10

/* Build the host IDT and load it on this CPU; idt_load on the others. */
void idt_init(void);
void idt_load(void);
/* Drain the log and power the machine off (Bochs: port 0x8900); halts on
 * machines where neither works. */
__attribute__((noreturn)) void hv_shutdown(void);

#endif
