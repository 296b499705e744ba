/* atk-gdt-write-audit: atk-gdt-write's kernel, run with "audit" on its command line. */
#include "atk-gdt-write/main.c"
