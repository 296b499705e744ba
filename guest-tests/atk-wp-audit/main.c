/* atk-wp-audit: atk-wp's kernel, run with "audit" on its command line. */
#include "atk-wp/main.c"
