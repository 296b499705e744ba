/* smp-nmi-4: smp-nmi's kernel on four CPUs ("cpus=4" on its command line): three APs
 * count NMIs, and the last one handles a guest NMI while ARM's kicks land. */
#include "smp-nmi/main.c"
