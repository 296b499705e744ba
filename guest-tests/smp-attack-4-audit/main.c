/* smp-attack-4-audit: smp-attack-2's kernel, run with "audit cpus=4" on its command line. */
#include "smp-attack-2/main.c"
