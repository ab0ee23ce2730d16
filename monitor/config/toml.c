/* Strict TOML subset parser (see toml.h), its tree: tables and headers,
 * arrays, values, the document (the lexical layer is toml_lex.c).
 * Hand-written recursive descent; recursion only happens through arrays and
 * inline tables, whose depth is capped, and all allocations are charged
 * against one budget so a hostile file cannot make the monitor eat memory. */
#include "toml_parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        tp_fail(p, off, "nesting deeper than %d levels", TOML_MAX_DEPTH);
        return NULL;
    }
    struct toml_value *v = tp_take(p, sizeof *v);
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
        tp_fail(p, kp->off, "more than %d keys in one table", TOML_MAX_KEYS);
        return NULL;
    }
    if (tp_grow(p, (void **)&t->t.kv, &t->t.cap, t->t.n + 1, sizeof *t->t.kv))
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
    if (tp_grow(p, (void **)&arr->a.v, &arr->a.cap, arr->a.n + 1, sizeof *arr->a.v))
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
        return tp_fail(p, off, "'%s' is an array of tables (line %u)", name, line);
    if (v->type != TOML_TABLE)
        return tp_fail(p, off, "key '%s' already holds %s (line %u)", name,
                    toml_type_name(v->type), line);
    if (v->frozen)
        return tp_fail(p, off, "cannot extend inline table '%s' (line %u)", name, line);
    return tp_fail(p, off, "table '%s' already defined at line %u", name, line);
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
    bool aot = tp_at(p, 1) == '[';
    struct key k = {0};
    int rc = -1;
    p->pos += aot ? 2 : 1;
    if (tp_parse_key(p, &k))
        goto out;
    if (tp_cur(p) != ']' || (aot && tp_at(p, 1) != ']')) {
        tp_expected(p, aot ? "']]' closing the header" : "']' closing the header");
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
    tp_key_free(&k);
    return rc;
}

/* key = value into table t; section tells which dotted-key tables t's
 * key/value pairs may still extend. */
static int parse_keyval(struct parser *p, struct toml_value *t, int section)
{
    struct key k = {0};
    int rc = -1;
    if (tp_parse_key(p, &k))
        goto out;
    if (tp_cur(p) != '=') {
        tp_expected(p, "'=' after the key");
        goto out;
    }
    p->pos++;
    tp_skip_ws(p);
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
        tp_fail(p, last->off, "duplicate key '%s' (first defined at line %u)",
             keypath(&k, k.n - 1, name, sizeof name), line);
        goto out;
    }
    struct toml_value *v = add_kv(p, t, last, p->pos);
    if (v)
        rc = parse_value(p, v);
out:
    tp_key_free(&k);
    return rc;
}

static int parse_array(struct parser *p, struct toml_value *v)
{
    v->type = TOML_ARRAY;
    p->pos++;
    for (;;) {
        if (tp_skip_blank(p))
            return -1;
        if (tp_cur(p) == ']')
            break;
        struct toml_value *e = push_elem(p, v, p->pos);
        if (!e || parse_value(p, e) || tp_skip_blank(p))
            return -1;
        if (tp_cur(p) == ']')
            break;
        if (tp_cur(p) != ',')
            return tp_expected(p, "',' or ']' in the array");
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
    tp_skip_ws(p);
    if (tp_cur(p) != '}') {
        for (;;) {
            if (tp_newline_len(p))
                return tp_fail(p, p->pos, "newline not allowed inside an inline table");
            if (parse_keyval(p, v, section))
                return -1;
            tp_skip_ws(p);
            if (tp_cur(p) == '}')
                break;
            if (tp_newline_len(p))
                return tp_fail(p, p->pos, "newline not allowed inside an inline table");
            if (tp_cur(p) != ',')
                return tp_expected(p, "',' or '}' in the inline table");
            p->pos++;
            tp_skip_ws(p);
            if (tp_cur(p) == '}')
                return tp_fail(p, p->pos, "trailing comma not allowed in an inline table");
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
            return tp_fail(p, start, "a sign is not allowed on hex, octal or binary integers");
        base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
        i += 2;
    } else {
        for (size_t j = i; j < end; j++) {
            if (s[j] == '.' || s[j] == 'e' || s[j] == 'E')
                return tp_fail(p, start, "floating-point numbers are not supported");
            if (s[j] == '-' || s[j] == ':')
                return tp_fail(p, start, "dates and times are not supported");
        }
        if (i + 1 < end && s[i] == '0' && (s[i + 1] == '_' || (s[i + 1] >= '0' && s[i + 1] <= '9')))
            return tp_fail(p, i, "leading zeros are not allowed in decimal integers");
    }
    if (i == end)
        return tp_fail(p, start, "integer has no digits");
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, n = 0;
    bool after_digit = false;
    for (size_t j = i; j < end; j++) {
        if (s[j] == '_') {
            if (!after_digit || j + 1 == end)
                return tp_fail(p, j, "'_' must be between two digits");
            after_digit = false;
            continue;
        }
        int h = tp_hexval((unsigned char)s[j]);
        unsigned d = h < 0 ? base : (unsigned)h;
        if (d >= base)
            return tp_fail(p, j, "invalid character '%c' in a base-%u integer", s[j], base);
        if (n > (limit - d) / base)
            return tp_fail(p, start, "integer out of range (64-bit signed)");
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
    while (tp_is_bare(tp_cur(p)) || tp_cur(p) == '+' || tp_cur(p) == '.' || tp_cur(p) == ':')
        p->pos++;
    size_t n = p->pos - start;
    const char *s = p->s + start;
    if (n == 0)
        return tp_expected(p, "a value");
    if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5))) {
        v->type = TOML_BOOL;
        v->b = n == 4;
        return 0;
    }
    size_t sign = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    if (n == sign + 3 && (!memcmp(s + sign, "inf", 3) || !memcmp(s + sign, "nan", 3)))
        return tp_fail(p, start, "floating-point numbers are not supported");
    if (n > sign && s[sign] >= '0' && s[sign] <= '9')
        return parse_int(p, v, start, p->pos);
    return tp_fail(p, start, "invalid value '%.*s' (strings must be quoted)", (int)(n > 40 ? 40 : n), s);
}

static int parse_value(struct parser *p, struct toml_value *v)
{
    v->off = p->pos;
    switch (tp_cur(p)) {
    case '"':
    case '\'': {
        struct buf b = {0};
        if (tp_parse_string(p, true, &b)) {
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
        tp_skip_ws(p);
        int c = tp_cur(p);
        if (c < 0)
            return 0;
        if (c == '[') {
            if (parse_header(p, &current))
                return -1;
        } else if (c != '#' && !tp_newline_len(p)) {
            if (parse_keyval(p, current, p->section))
                return -1;
        }
        if (tp_expect_eol(p))
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
        return tp_fail(&p, 0, "file too large (more than %u MiB)", TOML_MAX_INPUT >> 20);
    doc->root = new_value(&p, 0, 0);
    if (!doc->root)
        return -1;
    doc->root->type = TOML_TABLE;
    doc->root->header_defined = true;
    if (tp_check_utf8(&p) || parse_document(&p)) {
        toml_free(doc);
        return -1;
    }
    return 0;
}
