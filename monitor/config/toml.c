/* Strict TOML subset parser (see toml.h).  Hand-written recursive descent;
 * recursion only happens through arrays and inline tables, whose depth is
 * capped, and all allocations are charged against one budget so a hostile
 * file cannot make the monitor eat memory. */
#include "toml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOML_MAX_INPUT (16u << 20)
#define TOML_MAX_ALLOC (64u << 20)
#define TOML_MAX_KEYS  8192        /* per table: key lookup is a linear scan */

struct parser {
    struct toml_doc *doc;
    const char *s;
    size_t len, pos;
    size_t budget;                 /* bytes the tree may still allocate */
    int section, next_section;     /* current [header] section / inline table */
    const char *filename;
    char *err;
    size_t errlen;
    bool failed;
};

struct keypart {
    char *name;
    size_t off;
};

struct key {
    int n;
    struct keypart part[TOML_MAX_DEPTH];
};

struct buf {
    char *b;
    size_t n, cap;
};

const char *toml_type_name(enum toml_type type)
{
    static const char *const names[] = {"nothing", "a table", "an array", "a string", "an integer",
                                        "a boolean"};
    return (unsigned)type < sizeof names / sizeof names[0] ? names[type] : names[0];
}

void toml_where(struct toml_doc *doc, size_t off, unsigned *line, unsigned *col)
{
    if (off > doc->len)
        off = doc->len;
    if (off < doc->where_off || doc->where_line == 0) {
        doc->where_off = 0;
        doc->where_line = doc->where_col = 1;
    }
    for (size_t i = doc->where_off; i < off; i++) {
        unsigned char c = (unsigned char)doc->text[i];
        if (c == '\n') {
            doc->where_line++;
            doc->where_col = 1;
        } else if ((c & 0xc0) != 0x80) {
            doc->where_col++;
        }
    }
    doc->where_off = off;
    *line = doc->where_line;
    *col = doc->where_col;
}

/* Records the first error only; always returns -1. */
__attribute__((format(printf, 3, 4)))
static int fail(struct parser *p, size_t off, const char *fmt, ...)
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

static int at(const struct parser *p, size_t ahead)
{
    return p->pos + ahead < p->len ? (unsigned char)p->s[p->pos + ahead] : -1;
}

static int cur(const struct parser *p)
{
    return at(p, 0);
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

static int expected(struct parser *p, const char *thing)
{
    char tmp[16];
    return fail(p, p->pos, "expected %s, found %s", thing, what(p, p->pos, tmp));
}

static void *take(struct parser *p, size_t n)
{
    if (n > p->budget) {
        fail(p, p->pos, "manifest too large (more than %u MiB of data)", TOML_MAX_ALLOC >> 20);
        return NULL;
    }
    void *m = calloc(1, n);
    if (!m)
        fail(p, p->pos, "out of memory");
    else
        p->budget -= n;
    return m;
}

/* Makes room for need elements of size elem in *arr. */
static int grow(struct parser *p, void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 4;
    while (ncap < need)
        ncap *= 2;
    if (ncap > TOML_MAX_ALLOC / elem || (ncap - *cap) * elem > p->budget)
        return fail(p, p->pos, "manifest too large (more than %u MiB of data)", TOML_MAX_ALLOC >> 20);
    void *n = realloc(*arr, ncap * elem);
    if (!n)
        return fail(p, p->pos, "out of memory");
    p->budget -= (ncap - *cap) * elem;
    *arr = n;
    *cap = ncap;
    return 0;
}

static int buf_add(struct parser *p, struct buf *b, const char *data, size_t n)
{
    if (!n)
        return 0;
    if (grow(p, (void **)&b->b, &b->cap, b->n + n, 1))
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
static int check_utf8(struct parser *p)
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
            return fail(p, i, "invalid UTF-8");
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return fail(p, i, "invalid UTF-8");
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return fail(p, i, "invalid UTF-8");
        i += n;
    }
    return 0;
}

static size_t newline_len(const struct parser *p)
{
    if (cur(p) == '\n')
        return 1;
    return cur(p) == '\r' && at(p, 1) == '\n' ? 2 : 0;
}

static void skip_ws(struct parser *p)
{
    while (cur(p) == ' ' || cur(p) == '\t')
        p->pos++;
}

static int skip_comment(struct parser *p)
{
    if (cur(p) != '#')
        return 0;
    for (p->pos++; cur(p) >= 0 && cur(p) != '\n'; p->pos++) {
        if (is_ctrl(cur(p)) && newline_len(p) != 2)
            return fail(p, p->pos, "control character U+%04X not allowed in a comment", cur(p));
    }
    return 0;
}

static int expect_eol(struct parser *p)
{
    skip_ws(p);
    if (skip_comment(p))
        return -1;
    if (cur(p) < 0)
        return 0;
    size_t nl = newline_len(p);
    if (!nl)
        return expected(p, "end of line");
    p->pos += nl;
    return 0;
}

/* Whitespace, newlines and comments, as allowed between array elements. */
static int skip_blank(struct parser *p)
{
    for (;;) {
        skip_ws(p);
        if (skip_comment(p))
            return -1;
        size_t nl = newline_len(p);
        if (!nl)
            return 0;
        p->pos += nl;
    }
}

static int hexval(int c)
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
    int c = at(p, 1);
    const char *e = c > 0 ? strchr(from, c) : NULL;
    if (e) {
        p->pos += 2;
        return buf_add(p, b, &to[e - from], 1);
    }
    if (c != 'u' && c != 'U') {
        char tmp[16];
        return fail(p, bs, "invalid escape sequence: backslash followed by %s", what(p, bs + 1, tmp));
    }
    int digits = c == 'u' ? 4 : 8;
    uint32_t cp = 0;
    for (int i = 0; i < digits; i++) {
        int h = hexval(at(p, 2 + (size_t)i));
        if (h < 0)
            return fail(p, bs, "invalid escape: \\%c needs %d hex digits", c, digits);
        cp = cp << 4 | (uint32_t)h;
    }
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return fail(p, bs, "invalid escape: U+%X is not a Unicode scalar value", cp);
    if (cp == 0)
        return fail(p, bs, "NUL characters are not allowed in strings");
    p->pos += 2 + (size_t)digits;
    return put_utf8(p, b, cp);
}

/* In a multi-line basic string, a backslash that ends a line swallows all
 * whitespace and newlines up to the next visible character. */
static bool line_ending_backslash(struct parser *p)
{
    size_t save = p->pos;
    p->pos++;
    skip_ws(p);
    if (!newline_len(p)) {
        p->pos = save;
        return false;
    }
    for (;;) {
        skip_ws(p);
        size_t nl = newline_len(p);
        if (!nl)
            return true;
        p->pos += nl;
    }
}

/* Any of the four string forms (only single-line ones when multi is false,
 * as for keys).  The result in b is NUL-terminated; b->n excludes the NUL. */
static int parse_string(struct parser *p, bool multi_ok, struct buf *b)
{
    size_t start = p->pos;
    char q = p->s[p->pos];
    bool literal = q == '\'';
    bool multi = multi_ok && at(p, 1) == q && at(p, 2) == q;
    p->pos += multi ? 3 : 1;
    if (multi)
        p->pos += newline_len(p);
    for (;;) {
        int c = cur(p);
        if (c < 0)
            return fail(p, start, "unterminated string");
        if (c == q) {
            size_t n = 1;
            if (multi)
                while (at(p, n) == q)
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
                return fail(p, p->pos + 5, "too many quotes at the end of a multi-line string");
            if (buf_add(p, b, qq, multi ? n - 3 : 0) || buf_add(p, b, "", 1))
                return -1;
            b->n--;
            p->pos += n;
            return 0;
        }
        size_t nl = newline_len(p);
        if (nl && !multi)
            return fail(p, start, "unterminated string");
        if (nl) {
            if (buf_add(p, b, "\n", 1))
                return -1;
            p->pos += nl;
        } else if (c == '\\' && !literal) {
            if (!(multi && line_ending_backslash(p)) && escape(p, b))
                return -1;
        } else if (is_ctrl(c)) {
            return fail(p, p->pos, "control character U+%04X not allowed in a string%s", c,
                        literal ? "" : " (use an escape)");
        } else {
            if (buf_add(p, b, &p->s[p->pos], 1))
                return -1;
            p->pos++;
        }
    }
}

static bool is_bare(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static void key_free(struct key *k)
{
    for (int i = 0; i < k->n; i++)
        free(k->part[i].name);
    k->n = 0;
}

/* A possibly dotted key; stops after the whitespace that follows it. */
static int parse_key(struct parser *p, struct key *k)
{
    for (;;) {
        skip_ws(p);
        size_t off = p->pos;
        struct buf b = {0};
        if (is_bare(cur(p))) {
            while (is_bare(cur(p)))
                p->pos++;
            if (buf_add(p, &b, p->s + off, p->pos - off) || buf_add(p, &b, "", 1)) {
                free(b.b);
                return -1;
            }
        } else if (cur(p) == '"' || cur(p) == '\'') {
            if (parse_string(p, false, &b)) {
                free(b.b);
                return -1;
            }
        } else {
            return expected(p, "a key");
        }
        if (k->n == TOML_MAX_DEPTH) {
            free(b.b);
            return fail(p, off, "key has more than %d parts", TOML_MAX_DEPTH);
        }
        k->part[k->n].name = b.b;
        k->part[k->n++].off = off;
        skip_ws(p);
        if (cur(p) != '.')
            return 0;
        p->pos++;
    }
}

/* "a.b.c" for parts 0..last of k, for messages. */
static const char *keypath(const struct key *k, int last, char *out, size_t size)
{
    size_t o = 0;
    out[0] = 0;
    for (int i = 0; i <= last && o < size; i++) {
        int n = snprintf(out + o, size - o, "%s%s", i ? "." : "", k->part[i].name);
        if (n < 0)
            break;
        o += (size_t)n;
    }
    return out;
}

static struct toml_kv *find(struct toml_value *t, const char *name)
{
    for (size_t i = 0; i < t->t.n; i++)
        if (!strcmp(t->t.kv[i].key, name))
            return &t->t.kv[i];
    return NULL;
}

static struct toml_value *new_value(struct parser *p, unsigned depth, size_t off)
{
    if (depth > TOML_MAX_DEPTH) {
        fail(p, off, "nesting deeper than %d levels", TOML_MAX_DEPTH);
        return NULL;
    }
    struct toml_value *v = take(p, sizeof *v);
    if (v) {
        v->depth = depth;
        v->off = off;
        v->dotted_section = -1;
    }
    return v;
}

/* Appends key part kp (taking its name) to table t with an empty value. */
static struct toml_value *add_kv(struct parser *p, struct toml_value *t, struct keypart *kp, size_t off)
{
    if (t->t.n >= TOML_MAX_KEYS) {
        fail(p, kp->off, "more than %d keys in one table", TOML_MAX_KEYS);
        return NULL;
    }
    if (grow(p, (void **)&t->t.kv, &t->t.cap, t->t.n + 1, sizeof *t->t.kv))
        return NULL;
    struct toml_value *v = new_value(p, t->depth + 1, off);
    if (!v)
        return NULL;
    t->t.kv[t->t.n++] = (struct toml_kv){kp->name, kp->off, v};
    kp->name = NULL;
    return v;
}

static struct toml_value *push_elem(struct parser *p, struct toml_value *arr, size_t off)
{
    if (grow(p, (void **)&arr->a.v, &arr->a.cap, arr->a.n + 1, sizeof *arr->a.v))
        return NULL;
    struct toml_value *v = new_value(p, arr->depth + 1, off);
    if (v)
        arr->a.v[arr->a.n++] = v;
    return v;
}

/* Part i of k names the existing value v, which may not be used as asked. */
static int conflict(struct parser *p, const struct key *k, int i, const struct toml_value *v)
{
    char name[256];
    unsigned line, col;
    keypath(k, i, name, sizeof name);
    toml_where(p->doc, v->off, &line, &col);
    size_t off = k->part[i].off;
    if (v->type == TOML_ARRAY && v->table_array)
        return fail(p, off, "'%s' is an array of tables (line %u)", name, line);
    if (v->type != TOML_TABLE)
        return fail(p, off, "key '%s' already holds %s (line %u)", name,
                    toml_type_name(v->type), line);
    if (v->frozen)
        return fail(p, off, "cannot extend inline table '%s' (line %u)", name, line);
    return fail(p, off, "table '%s' already defined at line %u", name, line);
}

static int parse_value(struct parser *p, struct toml_value *v);

/* Walks one intermediate part of a [header]: tables are entered (created if
 * missing), arrays of tables through their last element. */
static struct toml_value *header_step(struct parser *p, struct toml_value *t, struct key *k, int i)
{
    struct toml_kv *kv = find(t, k->part[i].name);
    if (!kv) {
        struct toml_value *v = add_kv(p, t, &k->part[i], k->part[i].off);
        if (v)
            v->type = TOML_TABLE;
        return v;
    }
    struct toml_value *v = kv->val;
    if (v->type == TOML_TABLE && !v->frozen)
        return v;
    if (v->type == TOML_ARRAY && v->table_array)
        return v->a.v[v->a.n - 1];
    conflict(p, k, i, v);
    return NULL;
}

static int parse_header(struct parser *p, struct toml_value **current)
{
    size_t hoff = p->pos;
    bool aot = at(p, 1) == '[';
    struct key k = {0};
    int rc = -1;
    p->pos += aot ? 2 : 1;
    if (parse_key(p, &k))
        goto out;
    if (cur(p) != ']' || (aot && at(p, 1) != ']')) {
        expected(p, aot ? "']]' closing the header" : "']' closing the header");
        goto out;
    }
    p->pos += aot ? 2 : 1;
    struct toml_value *t = p->doc->root;
    for (int i = 0; t && i < k.n - 1; i++)
        t = header_step(p, t, &k, i);
    if (!t)
        goto out;
    struct keypart *last = &k.part[k.n - 1];
    struct toml_kv *kv = find(t, last->name);
    struct toml_value *v = kv ? kv->val : NULL;
    if (aot) {
        if (!v) {
            if (!(v = add_kv(p, t, last, hoff)))
                goto out;
            v->type = TOML_ARRAY;
            v->table_array = true;
        } else if (v->type != TOML_ARRAY || !v->table_array) {
            conflict(p, &k, k.n - 1, v);
            goto out;
        }
        if (!(v = push_elem(p, v, hoff)))
            goto out;
    } else if (!v) {
        if (!(v = add_kv(p, t, last, hoff)))
            goto out;
    } else if (v->type != TOML_TABLE || v->frozen || v->header_defined || v->dotted_section >= 0) {
        conflict(p, &k, k.n - 1, v);
        goto out;
    }
    v->type = TOML_TABLE;
    v->header_defined = true;
    v->off = hoff;
    *current = v;
    p->section = ++p->next_section;
    rc = 0;
out:
    key_free(&k);
    return rc;
}

/* key = value into table t; section tells which dotted-key tables t's
 * key/value pairs may still extend. */
static int parse_keyval(struct parser *p, struct toml_value *t, int section)
{
    struct key k = {0};
    int rc = -1;
    if (parse_key(p, &k))
        goto out;
    if (cur(p) != '=') {
        expected(p, "'=' after the key");
        goto out;
    }
    p->pos++;
    skip_ws(p);
    for (int i = 0; i < k.n - 1; i++) {
        struct toml_kv *kv = find(t, k.part[i].name);
        if (!kv) {
            if (!(t = add_kv(p, t, &k.part[i], k.part[i].off)))
                goto out;
            t->type = TOML_TABLE;
        } else {
            t = kv->val;
            if (t->type != TOML_TABLE || t->frozen || t->header_defined ||
                (t->dotted_section >= 0 && t->dotted_section != section)) {
                conflict(p, &k, i, t);
                goto out;
            }
        }
        t->dotted_section = section;
    }
    struct keypart *last = &k.part[k.n - 1];
    struct toml_kv *kv = find(t, last->name);
    if (kv) {
        char name[256];
        unsigned line, col;
        toml_where(p->doc, kv->key_off, &line, &col);
        fail(p, last->off, "duplicate key '%s' (first defined at line %u)",
             keypath(&k, k.n - 1, name, sizeof name), line);
        goto out;
    }
    struct toml_value *v = add_kv(p, t, last, p->pos);
    if (v)
        rc = parse_value(p, v);
out:
    key_free(&k);
    return rc;
}

static int parse_array(struct parser *p, struct toml_value *v)
{
    v->type = TOML_ARRAY;
    p->pos++;
    for (;;) {
        if (skip_blank(p))
            return -1;
        if (cur(p) == ']')
            break;
        struct toml_value *e = push_elem(p, v, p->pos);
        if (!e || parse_value(p, e) || skip_blank(p))
            return -1;
        if (cur(p) == ']')
            break;
        if (cur(p) != ',')
            return expected(p, "',' or ']' in the array");
        p->pos++;
    }
    p->pos++;
    return 0;
}

static int parse_inline_table(struct parser *p, struct toml_value *v)
{
    int section = ++p->next_section;
    v->type = TOML_TABLE;
    p->pos++;
    skip_ws(p);
    if (cur(p) != '}') {
        for (;;) {
            if (newline_len(p))
                return fail(p, p->pos, "newline not allowed inside an inline table");
            if (parse_keyval(p, v, section))
                return -1;
            skip_ws(p);
            if (cur(p) == '}')
                break;
            if (newline_len(p))
                return fail(p, p->pos, "newline not allowed inside an inline table");
            if (cur(p) != ',')
                return expected(p, "',' or '}' in the inline table");
            p->pos++;
            skip_ws(p);
            if (cur(p) == '}')
                return fail(p, p->pos, "trailing comma not allowed in an inline table");
        }
    }
    p->pos++;
    v->frozen = true;
    return 0;
}

/* An integer in [start, end) with optional sign and base prefix. */
static int parse_int(struct parser *p, struct toml_value *v, size_t start, size_t end)
{
    const char *s = p->s;
    size_t i = start;
    bool neg = false;
    unsigned base = 10;
    if (s[i] == '+' || s[i] == '-')
        neg = s[i++] == '-';
    if (i + 1 < end && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
        if (i != start)
            return fail(p, start, "a sign is not allowed on hex, octal or binary integers");
        base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
        i += 2;
    } else {
        for (size_t j = i; j < end; j++) {
            if (s[j] == '.' || s[j] == 'e' || s[j] == 'E')
                return fail(p, start, "floating-point numbers are not supported");
            if (s[j] == '-' || s[j] == ':')
                return fail(p, start, "dates and times are not supported");
        }
        if (i + 1 < end && s[i] == '0' && (s[i + 1] == '_' || (s[i + 1] >= '0' && s[i + 1] <= '9')))
            return fail(p, i, "leading zeros are not allowed in decimal integers");
    }
    if (i == end)
        return fail(p, start, "integer has no digits");
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, n = 0;
    bool after_digit = false;
    for (size_t j = i; j < end; j++) {
        if (s[j] == '_') {
            if (!after_digit || j + 1 == end)
                return fail(p, j, "'_' must be between two digits");
            after_digit = false;
            continue;
        }
        int h = hexval((unsigned char)s[j]);
        unsigned d = h < 0 ? base : (unsigned)h;
        if (d >= base)
            return fail(p, j, "invalid character '%c' in a base-%u integer", s[j], base);
        if (n > (limit - d) / base)
            return fail(p, start, "integer out of range (64-bit signed)");
        n = n * base + d;
        after_digit = true;
    }
    v->type = TOML_INT;
    v->i = neg ? (int64_t)(0 - n) : (int64_t)n;
    return 0;
}

/* Booleans and numbers: a run of characters that may appear in them. */
static int parse_bare_value(struct parser *p, struct toml_value *v)
{
    size_t start = p->pos;
    while (is_bare(cur(p)) || cur(p) == '+' || cur(p) == '.' || cur(p) == ':')
        p->pos++;
    size_t n = p->pos - start;
    const char *s = p->s + start;
    if (n == 0)
        return expected(p, "a value");
    if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5))) {
        v->type = TOML_BOOL;
        v->b = n == 4;
        return 0;
    }
    size_t sign = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    if (n == sign + 3 && (!memcmp(s + sign, "inf", 3) || !memcmp(s + sign, "nan", 3)))
        return fail(p, start, "floating-point numbers are not supported");
    if (n > sign && s[sign] >= '0' && s[sign] <= '9')
        return parse_int(p, v, start, p->pos);
    return fail(p, start, "invalid value '%.*s' (strings must be quoted)", (int)(n > 40 ? 40 : n), s);
}

static int parse_value(struct parser *p, struct toml_value *v)
{
    v->off = p->pos;
    switch (cur(p)) {
    case '"':
    case '\'': {
        struct buf b = {0};
        if (parse_string(p, true, &b)) {
            free(b.b);
            return -1;
        }
        v->type = TOML_STRING;
        v->s.ptr = b.b;
        v->s.len = b.n;
        return 0;
    }
    case '[':
        return parse_array(p, v);
    case '{':
        return parse_inline_table(p, v);
    default:
        return parse_bare_value(p, v);
    }
}

static int parse_document(struct parser *p)
{
    struct toml_value *current = p->doc->root;
    for (;;) {
        skip_ws(p);
        int c = cur(p);
        if (c < 0)
            return 0;
        if (c == '[') {
            if (parse_header(p, &current))
                return -1;
        } else if (c != '#' && !newline_len(p)) {
            if (parse_keyval(p, current, p->section))
                return -1;
        }
        if (expect_eol(p))
            return -1;
    }
}

static void free_value(struct toml_value *v)
{
    if (!v)
        return;
    if (v->type == TOML_STRING) {
        free(v->s.ptr);
    } else if (v->type == TOML_TABLE) {
        for (size_t i = 0; i < v->t.n; i++) {
            free(v->t.kv[i].key);
            free_value(v->t.kv[i].val);
        }
        free(v->t.kv);
    } else if (v->type == TOML_ARRAY) {
        for (size_t i = 0; i < v->a.n; i++)
            free_value(v->a.v[i]);
        free(v->a.v);
    }
    free(v);
}

void toml_free(struct toml_doc *doc)
{
    free_value(doc->root);
    memset(doc, 0, sizeof *doc);
}

int toml_parse(const char *text, size_t len, const char *filename, struct toml_doc *doc,
               char *err, size_t errlen)
{
    struct parser p = {.doc = doc, .s = text, .len = len, .budget = TOML_MAX_ALLOC,
                       .filename = filename, .err = err, .errlen = errlen};
    memset(doc, 0, sizeof *doc);
    doc->text = text;
    doc->len = len;
    if (errlen)
        err[0] = 0;
    if (len > TOML_MAX_INPUT)
        return fail(&p, 0, "file too large (more than %u MiB)", TOML_MAX_INPUT >> 20);
    doc->root = new_value(&p, 0, 0);
    if (!doc->root)
        return -1;
    doc->root->type = TOML_TABLE;
    doc->root->header_defined = true;
    if (check_utf8(&p) || parse_document(&p)) {
        toml_free(doc);
        return -1;
    }
    return 0;
}
