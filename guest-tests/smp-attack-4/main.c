/* smp-attack-4: smp-attack-2's kernel on four CPUs ("cpus=4"): the suite runs on each AP. */
#include "smp-attack-2/main.c"
