/* A strict parser for the TOML 1.0 subset that Gramine manifests use:
 * comments, bare/quoted/dotted keys, [tables], [[arrays of tables]], basic,
 * literal and multi-line strings, integers, booleans, arrays and inline
 * tables.  Floats and dates are rejected.  The result is a generic tree;
 * every node remembers where it came from so that later semantic checks can
 * report "file:line:col" too. */
#ifndef PICOVM_TOML_H
#define PICOVM_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Maximum nesting of tables and arrays (and parts of one key): bounds the
 * recursion of the parser and of every walk over the tree. */
#define TOML_MAX_DEPTH 64

enum toml_type { TOML_NONE, TOML_TABLE, TOML_ARRAY, TOML_STRING, TOML_INT, TOML_BOOL };

struct toml_value;

struct toml_kv {
    char *key;                 /* one key part, unquoted; never contains NUL */
    size_t key_off;            /* source offset of this key part */
    struct toml_value *val;
};

struct toml_value {
    enum toml_type type;
    size_t off;                /* source offset of the value ('[' of its header for a table) */
    union {
        struct { char *ptr; size_t len; } s;                 /* NUL-terminated, no inner NUL */
        int64_t i;
        bool b;
        struct { struct toml_kv *kv; size_t n, cap; } t;     /* keys in source order */
        struct { struct toml_value **v; size_t n, cap; } a;
    };
    /* Bookkeeping for TOML's "define once" rules; meaningless after parsing. */
    unsigned depth;
    int dotted_section;        /* section whose dotted keys created/extended it, or -1 */
    bool header_defined;       /* by a [header] */
    bool frozen;               /* an inline table: closed for good */
    bool table_array;          /* created by [[header]] (not a literal array) */
};

struct toml_doc {
    struct toml_value *root;   /* a table */
    const char *text;          /* the source, not owned: must outlive toml_where() calls */
    size_t len;
    /* toml_where() cache so that lookups in increasing order cost O(n) in all */
    size_t where_off;
    unsigned where_line, where_col;
};

/* Parses text (need not be NUL-terminated).  On error returns -1, leaves doc
 * empty and writes "filename:line:col: message" into err. */
int toml_parse(const char *text, size_t len, const char *filename, struct toml_doc *doc,
               char *err, size_t errlen);
void toml_free(struct toml_doc *doc);
/* 1-based line and column (in characters) of a source offset. */
void toml_where(struct toml_doc *doc, size_t off, unsigned *line, unsigned *col);
/* "a string", "an integer", ... for messages. */
const char *toml_type_name(enum toml_type type);

#endif
