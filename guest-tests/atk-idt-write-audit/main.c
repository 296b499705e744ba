/* atk-idt-write-audit: atk-idt-write's kernel, run with "audit" on its command line. */
#include "atk-idt-write/main.c"
