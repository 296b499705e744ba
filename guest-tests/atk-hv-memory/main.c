/* atk-hv-memory: probe-hv-memory's reads and writes of the hypervisor's memory, run
 * under a protection policy: still denied, in either mode. */
#include "probe-hv-memory/main.c"
