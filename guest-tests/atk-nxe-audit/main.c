/* atk-nxe-audit: atk-nxe's kernel, run with "audit" on its command line. */
#include "atk-nxe/main.c"
