/* bench-smp-4: bench-smp's kernel on 4 CPUs ("cpus=4" on its command line). */
#include "bench-smp/main.c"
