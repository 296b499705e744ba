/* smp-nmi-x2apic: smp-nmi's kernel with the local APICs in x2APIC mode ("x2apic" on its
 * command line): the NMIs go through the x2APIC ICR (WRMSR 830H). */
#include "smp-nmi/main.c"
