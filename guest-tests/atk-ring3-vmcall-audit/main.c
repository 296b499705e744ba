/* atk-ring3-vmcall-audit: atk-ring3-vmcall's kernel, run with "audit" on its command line. */
#include "atk-ring3-vmcall/main.c"
