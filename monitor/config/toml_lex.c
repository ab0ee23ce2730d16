/* The TOML parser's lexical layer (toml_parser.h): the first error and where
 * it is, the input's characters (UTF-8, control characters, newlines),
 * blanks and comments, basic and literal strings with their escapes, and
 * bare, quoted and dotted keys. */
#include "toml_parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records the first error only; always returns -1. */
__attribute__((format(printf, 3, 4)))
int tp_fail(struct parser *p, size_t off, const char *fmt, ...)
{
    if (p->failed)
        return -1;
    p->failed = true;
    if (!p->errlen)
        return -1;
    unsigned line, col;
    toml_where(p->doc, off, &line, &col);
    int n = snprintf(p->err, p->errlen, "%s:%u:%u: ", p->filename, line, col);
    if (n >= 0 && (size_t)n < p->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int tp_at(const struct parser *p, size_t ahead)
{
    return p->pos + ahead < p->len ? (unsigned char)p->s[p->pos + ahead] : -1;
}

int tp_cur(const struct parser *p)
{
    return tp_at(p, 0);
}

/* A printable description of the character at off, for messages. */
static const char *what(const struct parser *p, size_t off, char out[16])
{
    if (off >= p->len)
        return "end of file";
    unsigned char c = (unsigned char)p->s[off];
    if (c == '\n' || (c == '\r' && off + 1 < p->len && p->s[off + 1] == '\n'))
        return "end of line";
    if (c == ' ' || c == '\t')
        return "whitespace";
    if (c >= 0x80)
        return "a non-ASCII character";
    if (c > 0x20 && c < 0x7f)
        snprintf(out, 16, "'%c'", c);
    else
        snprintf(out, 16, "byte 0x%02x", c);
    return out;
}

int tp_expected(struct parser *p, const char *thing)
{
    char tmp[16];
    return tp_fail(p, p->pos, "expected %s, found %s", thing, what(p, p->pos, tmp));
}

void *tp_take(struct parser *p, size_t n)
{
    if (n > p->budget) {
        tp_fail(p, p->pos, "manifest too large (more than %u MiB of data)", TOML_MAX_ALLOC >> 20);
        return NULL;
    }
    void *m = calloc(1, n);
    if (!m)
        tp_fail(p, p->pos, "out of memory");
    else
        p->budget -= n;
    return m;
}

/* Makes room for need elements of size elem in *arr. */
int tp_grow(struct parser *p, void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 4;
    while (ncap < need)
        ncap *= 2;
    if (ncap > TOML_MAX_ALLOC / elem || (ncap - *cap) * elem > p->budget)
        return tp_fail(p, p->pos, "manifest too large (more than %u MiB of data)", TOML_MAX_ALLOC >> 20);
    void *n = realloc(*arr, ncap * elem);
    if (!n)
        return tp_fail(p, p->pos, "out of memory");
    p->budget -= (ncap - *cap) * elem;
    *arr = n;
    *cap = ncap;
    return 0;
}

static int buf_add(struct parser *p, struct buf *b, const char *data, size_t n)
{
    if (!n)
        return 0;
    if (tp_grow(p, (void **)&b->b, &b->cap, b->n + n, 1))
        return -1;
    memcpy(b->b + b->n, data, n);
    b->n += n;
    return 0;
}

static bool is_ctrl(int c)
{
    return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}

/* TOML files are UTF-8; checking once up front lets the rest treat any
 * byte >= 0x80 as part of a valid character. */
int tp_check_utf8(struct parser *p)
{
    const unsigned char *s = (const unsigned char *)p->s;
    for (size_t i = 0; i < p->len;) {
        static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        unsigned c = s[i];
        size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        uint32_t cp = c & (0x7fu >> n);
        if (n == 1) {
            i++;
            continue;
        }
        if (!n || p->len - i < n)
            return tp_fail(p, i, "invalid UTF-8");
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return tp_fail(p, i, "invalid UTF-8");
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return tp_fail(p, i, "invalid UTF-8");
        i += n;
    }
    return 0;
}

size_t tp_newline_len(const struct parser *p)
{
    if (tp_cur(p) == '\n')
        return 1;
    return tp_cur(p) == '\r' && tp_at(p, 1) == '\n' ? 2 : 0;
}

void tp_skip_ws(struct parser *p)
{
    while (tp_cur(p) == ' ' || tp_cur(p) == '\t')
        p->pos++;
}

static int skip_comment(struct parser *p)
{
    if (tp_cur(p) != '#')
        return 0;
    for (p->pos++; tp_cur(p) >= 0 && tp_cur(p) != '\n'; p->pos++) {
        if (is_ctrl(tp_cur(p)) && tp_newline_len(p) != 2)
            return tp_fail(p, p->pos, "control character U+%04X not allowed in a comment", tp_cur(p));
    }
    return 0;
}

int tp_expect_eol(struct parser *p)
{
    tp_skip_ws(p);
    if (skip_comment(p))
        return -1;
    if (tp_cur(p) < 0)
        return 0;
    size_t nl = tp_newline_len(p);
    if (!nl)
        return tp_expected(p, "end of line");
    p->pos += nl;
    return 0;
}

/* Whitespace, newlines and comments, as allowed between array elements. */
int tp_skip_blank(struct parser *p)
{
    for (;;) {
        tp_skip_ws(p);
        if (skip_comment(p))
            return -1;
        size_t nl = tp_newline_len(p);
        if (!nl)
            return 0;
        p->pos += nl;
    }
}

int tp_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int put_utf8(struct parser *p, struct buf *b, uint32_t cp)
{
    static const unsigned char lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
    char u[4];
    size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (size_t i = n - 1; i > 0; i--, cp >>= 6)
        u[i] = (char)(0x80 | (cp & 0x3f));
    u[0] = (char)(lead[n] | cp);
    return buf_add(p, b, u, n);
}

/* A backslash escape in a basic string; p->pos is at the backslash. */
static int escape(struct parser *p, struct buf *b)
{
    static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
    size_t bs = p->pos;
    int c = tp_at(p, 1);
    const char *e = c > 0 ? strchr(from, c) : NULL;
    if (e) {
        p->pos += 2;
        return buf_add(p, b, &to[e - from], 1);
    }
    if (c != 'u' && c != 'U') {
        char tmp[16];
        return tp_fail(p, bs, "invalid escape sequence: backslash followed by %s", what(p, bs + 1, tmp));
    }
    int digits = c == 'u' ? 4 : 8;
    uint32_t cp = 0;
    for (int i = 0; i < digits; i++) {
        int h = tp_hexval(tp_at(p, 2 + (size_t)i));
        if (h < 0)
            return tp_fail(p, bs, "invalid escape: \\%c needs %d hex digits", c, digits);
        cp = cp << 4 | (uint32_t)h;
    }
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return tp_fail(p, bs, "invalid escape: U+%X is not a Unicode scalar value", cp);
    if (cp == 0)
        return tp_fail(p, bs, "NUL characters are not allowed in strings");
    p->pos += 2 + (size_t)digits;
    return put_utf8(p, b, cp);
}

/* In a multi-line basic string, a backslash that ends a line swallows all
 * whitespace and newlines up to the next visible character. */
static bool line_ending_backslash(struct parser *p)
{
    size_t save = p->pos;
    p->pos++;
    tp_skip_ws(p);
    if (!tp_newline_len(p)) {
        p->pos = save;
        return false;
    }
    for (;;) {
        tp_skip_ws(p);
        size_t nl = tp_newline_len(p);
        if (!nl)
            return true;
        p->pos += nl;
    }
}

/* Any of the four string forms (only single-line ones when multi is false,
 * as for keys).  The result in b is NUL-terminated; b->n excludes the NUL. */
int tp_parse_string(struct parser *p, bool multi_ok, struct buf *b)
{
    size_t start = p->pos;
    char q = p->s[p->pos];
    bool literal = q == '\'';
    bool multi = multi_ok && tp_at(p, 1) == q && tp_at(p, 2) == q;
    p->pos += multi ? 3 : 1;
    if (multi)
        p->pos += tp_newline_len(p);
    for (;;) {
        int c = tp_cur(p);
        if (c < 0)
            return tp_fail(p, start, "unterminated string");
        if (c == q) {
            size_t n = 1;
            if (multi)
                while (tp_at(p, n) == q)
                    n++;
            /* Up to two quotes may sit right before a closing delimiter. */
            const char qq[2] = {q, q};
            if (multi && n < 3) {
                if (buf_add(p, b, qq, n))
                    return -1;
                p->pos += n;
                continue;
            }
            if (n > 5)
                return tp_fail(p, p->pos + 5, "too many quotes at the end of a multi-line string");
            if (buf_add(p, b, qq, multi ? n - 3 : 0) || buf_add(p, b, "", 1))
                return -1;
            b->n--;
            p->pos += n;
            return 0;
        }
        size_t nl = tp_newline_len(p);
        if (nl && !multi)
            return tp_fail(p, start, "unterminated string");
        if (nl) {
            if (buf_add(p, b, "\n", 1))
                return -1;
            p->pos += nl;
        } else if (c == '\\' && !literal) {
            if (!(multi && line_ending_backslash(p)) && escape(p, b))
                return -1;
        } else if (is_ctrl(c)) {
            return tp_fail(p, p->pos, "control character U+%04X not allowed in a string%s", c,
                        literal ? "" : " (use an escape)");
        } else {
            if (buf_add(p, b, &p->s[p->pos], 1))
                return -1;
            p->pos++;
        }
    }
}

bool tp_is_bare(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

void tp_key_free(struct key *k)
{
    for (int i = 0; i < k->n; i++)
        free(k->part[i].name);
    k->n = 0;
}

/* A possibly dotted key; stops after the whitespace that follows it. */
int tp_parse_key(struct parser *p, struct key *k)
{
    for (;;) {
        tp_skip_ws(p);
        size_t off = p->pos;
        struct buf b = {0};
        if (tp_is_bare(tp_cur(p))) {
            while (tp_is_bare(tp_cur(p)))
                p->pos++;
            if (buf_add(p, &b, p->s + off, p->pos - off) || buf_add(p, &b, "", 1)) {
                free(b.b);
                return -1;
            }
        } else if (tp_cur(p) == '"' || tp_cur(p) == '\'') {
            if (tp_parse_string(p, false, &b)) {
                free(b.b);
                return -1;
            }
        } else {
            return tp_expected(p, "a key");
        }
        if (k->n == TOML_MAX_DEPTH) {
            free(b.b);
            return tp_fail(p, off, "key has more than %d parts", TOML_MAX_DEPTH);
        }
        k->part[k->n].name = b.b;
        k->part[k->n++].off = off;
        tp_skip_ws(p);
        if (tp_cur(p) != '.')
            return 0;
        p->pos++;
    }
}
