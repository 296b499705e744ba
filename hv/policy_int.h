/* Internals of the policy parser: the line lexer (policy_lex.c) and the
 * keyword and register-name tables (policy_names.c). */
#ifndef BULWARK_POLICY_INT_H
#define BULWARK_POLICY_INT_H

#include "hv/policy.h"

/* One line at a time: s/n is the line without its newline, comment and
 * trailing blanks; pos is the cursor. Columns are pos + 1. */
struct plex {
    const char *text;
    size_t len, next; /* whole file, offset of the next line */
    const char *s;
    size_t n, pos;
    uint32_t line;
    struct policy_error *err;
};

struct ptok {
    const char *p;
    size_t n;
    size_t pos;
};

/* A token as a NUL-terminated string for messages (the formatter has no
 * "%.*s"), truncated to fit. */
struct pstr {
    char s[40];
};

struct pnames {
    const char *const *names;
    size_t count;
};

void plex_init(struct plex *lx, const char *text, size_t len, struct policy_error *err);
/* 1: a line is ready, 0: end of file, -1: error (bad byte, long line). */
int plex_next_line(struct plex *lx);
/* Records "message" at column pos + 1 of the current line; returns -1. */
int plex_error(struct plex *lx, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void plex_ws(struct plex *lx);
bool plex_eol(struct plex *lx);            /* after blanks */
bool plex_accept(struct plex *lx, char c); /* after blanks; consumes c */
int plex_expect(struct plex *lx, char c, const char *after);
int plex_end(struct plex *lx);             /* nothing but blanks is left */
/* A word: letters, digits, '_' and '-'. */
int plex_word(struct plex *lx, struct ptok *t, const char *what);
/* 0x-hex or decimal; with `suffix`, an optional K, M or G multiplier. */
int plex_u64(struct plex *lx, uint64_t *v, bool suffix, const char *what, size_t *pos);
/* A word that must be one of `names`: its index (and *pos, its position),
 * or -1 after an error. */
int plex_choice(struct plex *lx, const struct pnames *names, const char *what, size_t *pos);

struct pstr ptok_str(const struct ptok *t);
bool ptok_eq(const struct ptok *t, const char *s);
bool ptok_ieq(const struct ptok *t, const char *s); /* ASCII case-insensitive */
int pnames_find(const struct pnames *names, const struct ptok *t);
/* "a, b or c" into buf. */
void pnames_list(const struct pnames *names, char *buf, size_t size);

extern const struct pnames pn_mode, pn_on_error, pn_action, pn_arm, pn_log, pn_on_deny,
    pn_shadow;

struct pbit {
    uint32_t reg;
    uint8_t bit;
    const char *name;
};

/* MSR by name, with or without its IA32_ prefix, any case. */
bool policy_msr_lookup(const struct ptok *t, uint32_t *msr);
/* Named bit of an MSR (reg = MSR number) or of CR0/CR4 (reg = 0/4). */
const struct pbit *policy_msr_bit_lookup(uint32_t msr, const struct ptok *t);
const struct pbit *policy_cr_bit_lookup(unsigned cr, const struct ptok *t);
void policy_msr_bit_list(uint32_t msr, char *buf, size_t size);
void policy_cr_bit_list(unsigned cr, char *buf, size_t size);

/* Parser state shared by policy_parse.c and policy_rules.c. */
struct pctx {
    struct plex lx;
    struct policy *p;
};

/* One rule line of each section, from the cursor; 0 or -1 after an error. */
int policy_parse_memory(struct pctx *c);
int policy_parse_tables(struct pctx *c);
int policy_parse_msr(struct pctx *c);
int policy_parse_cr(struct pctx *c);

#endif
