/* The TOML parser's own parts, shared by its lexical layer (toml_lex.c:
 * errors, characters, blanks and comments, strings, keys) and its tree
 * (toml.c: tables, arrays, values, the document).  Not for other files. */
#ifndef PICOVM_TOML_PARSER_H
#define PICOVM_TOML_PARSER_H

#include "toml.h"

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

__attribute__((format(printf, 3, 4))) int tp_fail(struct parser *p, size_t off, const char *fmt, ...);
int tp_at(const struct parser *p, size_t ahead);
int tp_cur(const struct parser *p);
int tp_expected(struct parser *p, const char *thing);
void *tp_take(struct parser *p, size_t n);
int tp_grow(struct parser *p, void **arr, size_t *cap, size_t need, size_t elem);
int tp_check_utf8(struct parser *p);
size_t tp_newline_len(const struct parser *p);
void tp_skip_ws(struct parser *p);
int tp_expect_eol(struct parser *p);
int tp_skip_blank(struct parser *p);
int tp_hexval(int c);
int tp_parse_string(struct parser *p, bool multi_ok, struct buf *b);
bool tp_is_bare(int c);
void tp_key_free(struct key *k);
int tp_parse_key(struct parser *p, struct key *k);

#endif
