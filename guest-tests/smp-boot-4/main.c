/* smp-boot-4: smp-boot-2's kernel on four CPUs ("cpus=4" on its command line). */
#include "smp-boot-2/main.c"
