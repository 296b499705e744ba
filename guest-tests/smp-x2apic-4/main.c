/* smp-x2apic-4: smp-x2apic-2's kernel on four CPUs ("cpus=4" on its command line). */
#include "smp-x2apic-2/main.c"
