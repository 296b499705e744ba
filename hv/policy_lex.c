/* Policy file lexer: splits the text into validated lines and reads words,
 * numbers and punctuation from the current line. Every error records the
 * line and the column of the offending byte. */
#include "hv/policy_int.h"

static bool is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_word(char c)
{
    return is_alnum(c) || c == '_' || c == '-';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 'a' - 'A') : c;
}

void plex_init(struct plex *lx, const char *text, size_t len, struct policy_error *err)
{
    memset(lx, 0, sizeof *lx);
    lx->text = text;
    lx->len = len;
    lx->err = err;
}

int plex_error(struct plex *lx, size_t pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bw_vsnprintf(lx->err->msg, sizeof lx->err->msg, fmt, ap);
    va_end(ap);
    lx->err->line = lx->line;
    lx->err->column = (uint32_t)pos + 1;
    return -1;
}

int plex_next_line(struct plex *lx)
{
    if (lx->next >= lx->len)
        return 0;
    const char *s = lx->text + lx->next;
    size_t avail = lx->len - lx->next, n = 0, i;
    lx->line++;
    lx->s = s;
    lx->n = lx->pos = 0;
    for (i = 0; i <= POLICY_MAX_LINE; i++) {
        if (i == avail) {
            n = i;
            lx->next = lx->len;
            break;
        }
        unsigned char b = (unsigned char)s[i];
        size_t eol = b == '\n' ? 1 : b == '\r' && i + 1 < avail && s[i + 1] == '\n' ? 2 : 0;
        if (eol) {
            n = i;
            lx->next += i + eol;
            break;
        }
        if (i == POLICY_MAX_LINE)
            return plex_error(lx, i, "line is longer than %d characters", POLICY_MAX_LINE);
        if (b == 0)
            return plex_error(lx, i, "NUL byte");
        if (b == '\r')
            return plex_error(lx, i, "carriage return not followed by a newline");
        if (b >= 0x80)
            return plex_error(lx, i, "non-ASCII byte 0x%02x", b);
        if ((b < 0x20 && b != '\t') || b == 0x7f)
            return plex_error(lx, i, "control character 0x%02x", b);
    }
    for (i = 0; i < n; i++)
        if (s[i] == '#')
            n = i;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    lx->n = n;
    return 1;
}

void plex_ws(struct plex *lx)
{
    while (lx->pos < lx->n && (lx->s[lx->pos] == ' ' || lx->s[lx->pos] == '\t'))
        lx->pos++;
}

bool plex_eol(struct plex *lx)
{
    plex_ws(lx);
    return lx->pos >= lx->n;
}

/* "expected WHAT, found X", or "unexpected X" when what is NULL, where X
 * is the word or character at the cursor. */
static int found(struct plex *lx, const char *what)
{
    struct ptok t = {lx->s + lx->pos, 0, lx->pos};
    char desc[48] = "end of line";
    while (t.pos + t.n < lx->n && is_word(t.p[t.n]))
        t.n++;
    if (t.pos < lx->n)
        bw_snprintf(desc, sizeof desc, "'%s'", ptok_str(&(struct ptok){t.p, t.n ? t.n : 1, 0}).s);
    if (what)
        return plex_error(lx, t.pos, "expected %s, found %s", what, desc);
    return plex_error(lx, t.pos, "unexpected %s", desc);
}

bool plex_accept(struct plex *lx, char c)
{
    plex_ws(lx);
    if (lx->pos < lx->n && lx->s[lx->pos] == c) {
        lx->pos++;
        return true;
    }
    return false;
}

int plex_expect(struct plex *lx, char c, const char *after)
{
    if (plex_accept(lx, c))
        return 0;
    char what[64];
    bw_snprintf(what, sizeof what, "'%c' after %s", c, after);
    return found(lx, what);
}

int plex_end(struct plex *lx)
{
    if (plex_eol(lx))
        return 0;
    return found(lx, NULL);
}

int plex_word(struct plex *lx, struct ptok *t, const char *what)
{
    plex_ws(lx);
    t->p = lx->s + lx->pos;
    t->pos = lx->pos;
    while (lx->pos < lx->n && is_word(lx->s[lx->pos]))
        lx->pos++;
    t->n = lx->pos - t->pos;
    if (t->n)
        return 0;
    return found(lx, what);
}

static int digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
}

int plex_u64(struct plex *lx, uint64_t *v, bool suffix, const char *what, size_t *pos)
{
    plex_ws(lx);
    const char *s = lx->s;
    size_t p = lx->pos, n = lx->n, digits = 0;
    unsigned base = 10;
    *pos = p;
    if (p + 1 < n && s[p] == '0' && lower(s[p + 1]) == 'x') {
        base = 16;
        p += 2;
    }
    uint64_t x = 0;
    for (; p < n && digit(s[p]) < (int)base; p++, digits++) {
        unsigned d = (unsigned)digit(s[p]);
        if (x > (UINT64_MAX - d) / base)
            return plex_error(lx, *pos, "number does not fit in 64 bits");
        x = x * base + d;
    }
    if (!digits && base == 16)
        return plex_error(lx, p, "expected hex digits after '0x'");
    if (!digits)
        return found(lx, what);
    if (suffix && p < n && (s[p] == 'K' || s[p] == 'M' || s[p] == 'G')) {
        unsigned shift = s[p] == 'K' ? 10 : s[p] == 'M' ? 20 : 30;
        if (x > UINT64_MAX >> shift)
            return plex_error(lx, *pos, "number does not fit in 64 bits");
        x <<= shift;
        p++;
    }
    if (p < n && (is_alnum(s[p]) || s[p] == '_'))
        return plex_error(lx, p, "unexpected '%c' in number", s[p]);
    lx->pos = p;
    *v = x;
    return 0;
}

int plex_choice(struct plex *lx, const struct pnames *names, const char *what, size_t *pos)
{
    char list[128], full[160];
    struct ptok t;
    pnames_list(names, list, sizeof list);
    bw_snprintf(full, sizeof full, "%s (%s)", what, list);
    if (plex_word(lx, &t, full))
        return -1;
    *pos = t.pos;
    int i = pnames_find(names, &t);
    if (i < 0)
        return plex_error(lx, t.pos, "expected %s, found '%s'", full, ptok_str(&t).s);
    return i;
}

struct pstr ptok_str(const struct ptok *t)
{
    struct pstr r;
    size_t n = MIN(t->n, sizeof r.s - 1);
    memcpy(r.s, t->p, n);
    r.s[n] = 0;
    return r;
}

bool ptok_eq(const struct ptok *t, const char *s)
{
    return strlen(s) == t->n && memcmp(s, t->p, t->n) == 0;
}

bool ptok_ieq(const struct ptok *t, const char *s)
{
    if (strlen(s) != t->n)
        return false;
    for (size_t i = 0; i < t->n; i++)
        if (lower(t->p[i]) != lower(s[i]))
            return false;
    return true;
}

int pnames_find(const struct pnames *names, const struct ptok *t)
{
    for (size_t i = 0; i < names->count; i++)
        if (ptok_eq(t, names->names[i]))
            return (int)i;
    return -1;
}

void pnames_list(const struct pnames *names, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < names->count && len < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == names->count ? " or " : ", ";
        len += (size_t)bw_snprintf(buf + len, size - len, "%s%s", sep, names->names[i]);
    }
}
