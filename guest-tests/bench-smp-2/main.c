/* bench-smp-2: bench-smp's kernel on 2 CPUs ("cpus=2" on its command line). */
#include "bench-smp/main.c"
