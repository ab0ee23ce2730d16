// UNIT-SOURCES: monitor/config/toml.c monitor/config/toml_lex.c
/* Unit tests for the TOML parser.  Every error is checked by its exact
 * "file:line:col: message" text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/toml.h"
#include "config_check.h"

/* A value by "a.b.2.c" path: numbers index arrays. */
static const struct toml_value *get(const struct toml_value *v, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *part = strtok_r(buf, ".", &save); v && part;
         part = strtok_r(NULL, ".", &save)) {
        const struct toml_value *next = NULL;
        if (v->type == TOML_ARRAY) {
            size_t i = strtoul(part, NULL, 10);
            next = i < v->a.n ? v->a.v[i] : NULL;
        } else if (v->type == TOML_TABLE) {
            for (size_t i = 0; i < v->t.n; i++)
                if (!strcmp(v->t.kv[i].key, part))
                    next = v->t.kv[i].val;
        }
        v = next;
    }
    return v;
}

static bool is_str(const char *name, const struct toml_value *root, const char *path, const char *want)
{
    const struct toml_value *v = get(root, path);
    return check(name, v && v->type == TOML_STRING && !strcmp(v->s.ptr, want) && v->s.len == strlen(want),
                 "%s: want string \"%s\", got %s \"%s\"", path, want, v ? toml_type_name(v->type) : "none",
                 v && v->type == TOML_STRING ? v->s.ptr : "");
}

static bool is_int(const char *name, const struct toml_value *root, const char *path, int64_t want)
{
    const struct toml_value *v = get(root, path);
    return check(name, v && v->type == TOML_INT && v->i == want, "%s: want %lld, got %lld", path,
                 (long long)want, v && v->type == TOML_INT ? (long long)v->i : -424242LL);
}

static bool is_bool(const char *name, const struct toml_value *root, const char *path, bool want)
{
    const struct toml_value *v = get(root, path);
    return check(name, v && v->type == TOML_BOOL && v->b == want, "%s: want %d", path, want);
}

static bool is_len(const char *name, const struct toml_value *root, const char *path, enum toml_type t, size_t n)
{
    const struct toml_value *v = get(root, path);
    size_t got = !v ? 0 : t == TOML_ARRAY ? v->a.n : v->t.n;
    return check(name, v && v->type == t && got == n, "%s: want %s of %zu, got %s of %zu", path,
                 toml_type_name(t), n, v ? toml_type_name(v->type) : "none", got);
}

static bool parse_ok(const char *name, const char *text, struct toml_doc *doc)
{
    char err[512];
    int rc = toml_parse(text, strlen(text), "t.toml", doc, err, sizeof err);
    return check(name, rc == 0, "unexpected error: %s", err);
}


static void toml_errors(const char *name, const struct err_case *c, size_t n)
{
    int before = failures;
    for (size_t i = 0; i < n; i++) {
        struct toml_doc doc;
        char err[512];
        int rc = toml_parse(c[i].text, strlen(c[i].text), "t.toml", &doc, err, sizeof err);
        if (!check(name, rc == -1, "case %zu parsed but should fail with: %s", i, c[i].err))
            toml_free(&doc);
        else
            check(name, !strcmp(err, c[i].err), "case %zu: want \"%s\", got \"%s\"", i, c[i].err, err);
    }
    done(name, before);
}

static void test_keys_and_tables(void)
{
    const char *name = "toml_keys_tables";
    int before = failures;
    struct toml_doc d;
    const char *text =
        "# leading comment\n"
        "bare_key-1 = 1 # trailing comment\n"
        "\"quoted key\" = 2\n"
        "'literal.key' = 3\n"
        "\"\" = 4\n"
        "a . b . c = 5\n"
        "a.b.d = 6\n"
        "1234 = 7\n"
        "[table]\n"
        "x = 8\n"
        "[ other . 'sub' ]\n"
        "y = 9\n"
        "[x.y.z]\n"
        "[x]\n"
        "w = 10\n"
        "[fruit]\n"
        "apple.color = \"red\"\n"
        "[fruit.apple.texture]\n"
        "smooth = true\n"
        "[[products]]\n"
        "name = \"hammer\"\n"
        "[[products]]\n"
        "[[products]]\n"
        "name = \"nail\"\n"
        "[products.dims]\n"
        "h = 1\n"
        "[[products.parts]]\n"
        "p = 2\n";
    if (parse_ok(name, text, &d)) {
        is_int(name, d.root, "bare_key-1", 1);
        is_int(name, d.root, "quoted key", 2);
        check(name, d.root->t.n > 2 && !strcmp(d.root->t.kv[2].key, "literal.key"), "literal key");
        check(name, d.root->t.n > 3 && !strcmp(d.root->t.kv[3].key, ""), "empty key");
        is_int(name, d.root, "a.b.c", 5);
        is_int(name, d.root, "a.b.d", 6);
        is_int(name, d.root, "1234", 7);
        is_int(name, d.root, "table.x", 8);
        is_int(name, d.root, "other.sub.y", 9);
        is_len(name, d.root, "x.y.z", TOML_TABLE, 0);
        is_int(name, d.root, "x.w", 10);
        is_str(name, d.root, "fruit.apple.color", "red");
        is_bool(name, d.root, "fruit.apple.texture.smooth", true);
        is_len(name, d.root, "products", TOML_ARRAY, 3);
        is_str(name, d.root, "products.0.name", "hammer");
        is_len(name, d.root, "products.1", TOML_TABLE, 0);
        is_str(name, d.root, "products.2.name", "nail");
        is_int(name, d.root, "products.2.dims.h", 1);
        is_int(name, d.root, "products.2.parts.0.p", 2);
        check(name, !strcmp(d.root->t.kv[0].key, "bare_key-1") && !strcmp(d.root->t.kv[5].key, "1234"),
              "keys keep source order");
        toml_free(&d);
    }
    done(name, before);
}

static void test_strings(void)
{
    const char *name = "toml_strings";
    int before = failures;
    struct toml_doc d;
    const char *text =
        "esc = \"a\\tb\\nc\\\"d\\\\e\\b\\f\\r\"\n"
        "uni = \"\\u00e9\\u20AC\\U0001F600\"\n"
        "raw = 'C:\\path\\\"x\"'\n"
        "tab = \"a\tb\"\n"
        "utf = \"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\" # \xc3\xa9\n"
        "empty = \"\"\n"
        "ml = \"\"\"\n"
        "line1\n"
        "line2\"\"\"\n"
        "trim = \"\"\"\\\n"
        "    The quick \\\n"
        "\n"
        "    fox.\"\"\"\n"
        "quotes = \"\"\"Two \"\" here, and one at the end\"\"\"\"\n"
        "two_end = \"\"\"x\"\"\"\"\"\n"
        "mll = '''\n"
        "first\\n 'q' ''\n"
        "'''\n"
        "mll_end = ''''quoted'''''\n"
        "crlf = \"\"\"a\r\nb\"\"\"\r\n";
    if (parse_ok(name, text, &d)) {
        is_str(name, d.root, "esc", "a\tb\nc\"d\\e\b\f\r");
        is_str(name, d.root, "uni", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
        is_str(name, d.root, "raw", "C:\\path\\\"x\"");
        is_str(name, d.root, "tab", "a\tb");
        is_str(name, d.root, "utf", "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80");
        is_str(name, d.root, "empty", "");
        is_str(name, d.root, "ml", "line1\nline2");
        is_str(name, d.root, "trim", "The quick fox.");
        is_str(name, d.root, "quotes", "Two \"\" here, and one at the end\"");
        is_str(name, d.root, "two_end", "x\"\"");
        is_str(name, d.root, "mll", "first\\n 'q' ''\n");
        is_str(name, d.root, "mll_end", "'quoted''");
        is_str(name, d.root, "crlf", "a\nb");
        toml_free(&d);
    }
    done(name, before);
}

static void test_integers_bools(void)
{
    const char *name = "toml_integers_bools";
    int before = failures;
    struct toml_doc d;
    const char *text =
        "a = 42\nb = +17\nc = -5\nd = 0\ne = -0\nf = 1_000_000\n"
        "g = 0xDEAD_beef\nh = 0o755\ni = 0b1101\nj = 9223372036854775807\n"
        "k = -9223372036854775808\nl = 0x7fffffffffffffff\nt = true\nu = false\n";
    if (parse_ok(name, text, &d)) {
        is_int(name, d.root, "a", 42);
        is_int(name, d.root, "b", 17);
        is_int(name, d.root, "c", -5);
        is_int(name, d.root, "d", 0);
        is_int(name, d.root, "e", 0);
        is_int(name, d.root, "f", 1000000);
        is_int(name, d.root, "g", 0xdeadbeef);
        is_int(name, d.root, "h", 0755);
        is_int(name, d.root, "i", 13);
        is_int(name, d.root, "j", INT64_MAX);
        is_int(name, d.root, "k", INT64_MIN);
        is_int(name, d.root, "l", INT64_MAX);
        is_bool(name, d.root, "t", true);
        is_bool(name, d.root, "u", false);
        toml_free(&d);
    }
    done(name, before);
}

static void test_arrays_inline(void)
{
    const char *name = "toml_arrays_inline";
    int before = failures;
    struct toml_doc d;
    const char *text =
        "empty = []\n"
        "nums = [ 1, 2, 3 ]\n"
        "multi = [\n"
        "  \"a\", # comment\n"
        "\n"
        "  'b',\n"
        "]\n"
        "nested = [[1, 2], [\"x\"], []]\n"
        "mixed = [1, \"two\", true, {k = 3}]\n"
        "it = { a = 1, b = \"x\", c.d = true, e = { f = [1] } }\n"
        "empty_it = {}\n"
        "aot = [ { path = \"/a\" },\n { path = \"/b\", uri = \"file:b\" } ]\n";
    if (parse_ok(name, text, &d)) {
        is_len(name, d.root, "empty", TOML_ARRAY, 0);
        is_len(name, d.root, "nums", TOML_ARRAY, 3);
        is_int(name, d.root, "nums.2", 3);
        is_len(name, d.root, "multi", TOML_ARRAY, 2);
        is_str(name, d.root, "multi.1", "b");
        is_int(name, d.root, "nested.0.1", 2);
        is_str(name, d.root, "nested.1.0", "x");
        is_len(name, d.root, "nested.2", TOML_ARRAY, 0);
        is_bool(name, d.root, "mixed.2", true);
        is_int(name, d.root, "mixed.3.k", 3);
        is_int(name, d.root, "it.a", 1);
        is_str(name, d.root, "it.b", "x");
        is_bool(name, d.root, "it.c.d", true);
        is_int(name, d.root, "it.e.f.0", 1);
        is_len(name, d.root, "empty_it", TOML_TABLE, 0);
        is_str(name, d.root, "aot.1.uri", "file:b");
        toml_free(&d);
    }
    done(name, before);
}

static void test_positions(void)
{
    const char *name = "toml_positions";
    int before = failures;
    struct toml_doc d;
    /* columns count characters, not bytes */
    const char *text = "a = 1\n\"\xc3\xa9t\xc3\xa9\" = [ 2, \"x\" ]\n[t]\n";
    if (parse_ok(name, text, &d)) {
        unsigned line, col;
        toml_where(&d, get(d.root, "\xc3\xa9t\xc3\xa9.1")->off, &line, &col);
        check(name, line == 2 && col == 14, "string at 2:14, got %u:%u", line, col);
        toml_where(&d, get(d.root, "a")->off, &line, &col);
        check(name, line == 1 && col == 5, "value at 1:5, got %u:%u", line, col);
        toml_where(&d, get(d.root, "t")->off, &line, &col);
        check(name, line == 3 && col == 1, "table at 3:1, got %u:%u", line, col);
        toml_where(&d, d.root->t.kv[1].key_off, &line, &col);
        check(name, line == 2 && col == 1, "key at 2:1, got %u:%u", line, col);
        toml_free(&d);
    }
    done(name, before);
}

static void test_toml_errors(void)
{
    static const struct err_case syntax[] = {
        {"a = 1\na = 2\n", "t.toml:2:1: duplicate key 'a' (first defined at line 1)"},
        {"a.b = 1\na.b = 2\n", "t.toml:2:3: duplicate key 'a.b' (first defined at line 1)"},
        {"[a]\nx = 1\n[a]\n", "t.toml:3:2: table 'a' already defined at line 1"},
        {"[a.b]\n[a]\n[a]\n", "t.toml:3:2: table 'a' already defined at line 2"},
        {"a.b = 1\n[a]\n", "t.toml:2:2: table 'a' already defined at line 1"},
        {"[fruit]\napple.color = 1\n[fruit.apple]\n", "t.toml:3:8: table 'fruit.apple' already defined at line 2"},
        {"[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n", "t.toml:4:3: table 'b.c' already defined at line 1"},
        {"[a]\nb.c = 1\n[x]\n[a]\n", "t.toml:4:2: table 'a' already defined at line 1"},
        {"a = { b = 1 }\na.c = 2\n", "t.toml:2:1: cannot extend inline table 'a' (line 1)"},
        {"a = { b = 1 }\n[a.c]\n", "t.toml:2:2: cannot extend inline table 'a' (line 1)"},
        {"a = { b = { c = 1 }, b.d = 2 }\n", "t.toml:1:22: cannot extend inline table 'b' (line 1)"},
        {"a = [1]\n[[a]]\n", "t.toml:2:3: key 'a' already holds an array (line 1)"},
        {"[[a]]\n[a]\n", "t.toml:2:2: 'a' is an array of tables (line 1)"},
        {"[a]\n[[a]]\n", "t.toml:2:3: table 'a' already defined at line 1"},
        {"a = 1\n[a.b]\n", "t.toml:2:2: key 'a' already holds an integer (line 1)"},
        {"a = \"s\"\na.b = 1\n", "t.toml:2:1: key 'a' already holds a string (line 1)"},
        {"a = \"abc\n", "t.toml:1:5: unterminated string"},
        {"a = 'abc", "t.toml:1:5: unterminated string"},
        {"a = \"\"\"abc\n\n", "t.toml:1:5: unterminated string"},
        {"a = '''abc''", "t.toml:1:5: unterminated string"},
        {"a = \"x\\qy\"\n", "t.toml:1:7: invalid escape sequence: backslash followed by 'q'"},
        {"a = \"\\ \"\n", "t.toml:1:6: invalid escape sequence: backslash followed by whitespace"},
        {"a = \"\\u12\"\n", "t.toml:1:6: invalid escape: \\u needs 4 hex digits"},
        {"a = \"\\UD800\"\n", "t.toml:1:6: invalid escape: \\U needs 8 hex digits"},
        {"a = \"\\uD800\"\n", "t.toml:1:6: invalid escape: U+D800 is not a Unicode scalar value"},
        {"a = \"\\U00110000\"\n", "t.toml:1:6: invalid escape: U+110000 is not a Unicode scalar value"},
        {"a = \"\\u0000\"\n", "t.toml:1:6: NUL characters are not allowed in strings"},
        {"a = \"x\x01\"\n", "t.toml:1:7: control character U+0001 not allowed in a string (use an escape)"},
        {"a = 'x\x7f'\n", "t.toml:1:7: control character U+007F not allowed in a string"},
        {"a = \"\"\"x\ry\"\"\"\n", "t.toml:1:9: control character U+000D not allowed in a string (use an escape)"},
        {"a = \"\"\"x\"\"\"\"\"\"\n", "t.toml:1:14: too many quotes at the end of a multi-line string"},
        {"# ok\n# bad \x02\n", "t.toml:2:7: control character U+0002 not allowed in a comment"},
        {"a = 1\r\nb = 2\r", "t.toml:2:6: expected end of line, found byte 0x0d"},
        {"a = {b = 1,\n c = 2}\n", "t.toml:1:12: newline not allowed inside an inline table"},
        {"a = {\n}\n", "t.toml:1:6: newline not allowed inside an inline table"},
        {"a = {b = 1,}\n", "t.toml:1:12: trailing comma not allowed in an inline table"},
        {"a = {b = 1 c = 2}\n", "t.toml:1:12: expected ',' or '}' in the inline table, found 'c'"},
        {"a = {b = 1, b = 2}\n", "t.toml:1:13: duplicate key 'b' (first defined at line 1)"},
        {"a 1\n", "t.toml:1:3: expected '=' after the key, found '1'"},
        {"a =\n", "t.toml:1:4: expected a value, found end of line"},
        {"a = ", "t.toml:1:5: expected a value, found end of file"},
        {"= 1\n", "t.toml:1:1: expected a key, found '='"},
        {"a. = 1\n", "t.toml:1:4: expected a key, found '='"},
        {"a = yes\n", "t.toml:1:5: invalid value 'yes' (strings must be quoted)"},
        {"a = True\n", "t.toml:1:5: invalid value 'True' (strings must be quoted)"},
        {"a = 1 2\n", "t.toml:1:7: expected end of line, found '2'"},
        {"a = truex\n", "t.toml:1:5: invalid value 'truex' (strings must be quoted)"},
        {"a = [1, 2\n", "t.toml:2:1: expected ',' or ']' in the array, found end of file"},
        {"a = [1 2]\n", "t.toml:1:8: expected ',' or ']' in the array, found '2'"},
        {"a = [,]\n", "t.toml:1:6: expected a value, found ','"},
        {"[a\n", "t.toml:1:3: expected ']' closing the header, found end of line"},
        {"[[a]\n", "t.toml:1:4: expected ']]' closing the header, found ']'"},
        {"[a] x = 1\n", "t.toml:1:5: expected end of line, found 'x'"},
        {"[]\n", "t.toml:1:2: expected a key, found ']'"},
        {"\xef\xbb\xbf" "a = 1\n", "t.toml:1:1: expected a key, found a non-ASCII character"},
        {"a = \"\xc3\x28\"\n", "t.toml:1:6: invalid UTF-8"},
        {"a = \"\xed\xa0\x80\"\n", "t.toml:1:6: invalid UTF-8"},
        {"a = \"\xc0\xaf\"\n", "t.toml:1:6: invalid UTF-8"},
        {"a = 1\n\xff", "t.toml:2:1: invalid UTF-8"},
        {"a = '\xf4\x90\x80\x80'\n", "t.toml:1:6: invalid UTF-8"},
        {"a = '\xe2\x82'", "t.toml:1:6: invalid UTF-8"},
    };
    static const struct err_case numbers[] = {
        {"a = 1.5\n", "t.toml:1:5: floating-point numbers are not supported"},
        {"a = 1e5\n", "t.toml:1:5: floating-point numbers are not supported"},
        {"a = -inf\n", "t.toml:1:5: floating-point numbers are not supported"},
        {"a = nan\n", "t.toml:1:5: floating-point numbers are not supported"},
        {"a = 1979-05-27\n", "t.toml:1:5: dates and times are not supported"},
        {"a = 1979-05-27T07:32:00Z\n", "t.toml:1:5: dates and times are not supported"},
        {"a = 07:32:00\n", "t.toml:1:5: dates and times are not supported"},
        {"a = 012\n", "t.toml:1:5: leading zeros are not allowed in decimal integers"},
        {"a = -012\n", "t.toml:1:6: leading zeros are not allowed in decimal integers"},
        {"a = 1__0\n", "t.toml:1:7: '_' must be between two digits"},
        {"a = 10_\n", "t.toml:1:7: '_' must be between two digits"},
        {"a = 0x_1\n", "t.toml:1:7: '_' must be between two digits"},
        {"a = _1\n", "t.toml:1:5: invalid value '_1' (strings must be quoted)"},
        {"a = 12abc\n", "t.toml:1:7: invalid character 'a' in a base-10 integer"},
        {"a = 0xfg\n", "t.toml:1:8: invalid character 'g' in a base-16 integer"},
        {"a = 0o8\n", "t.toml:1:7: invalid character '8' in a base-8 integer"},
        {"a = 0b102\n", "t.toml:1:9: invalid character '2' in a base-2 integer"},
        {"a = 0X1\n", "t.toml:1:6: invalid character 'X' in a base-10 integer"},
        {"a = 0x\n", "t.toml:1:5: integer has no digits"},
        {"a = +\n", "t.toml:1:5: invalid value '+' (strings must be quoted)"},
        {"a = -0x1\n", "t.toml:1:5: a sign is not allowed on hex, octal or binary integers"},
        {"a = 9223372036854775808\n", "t.toml:1:5: integer out of range (64-bit signed)"},
        {"a = -9223372036854775809\n", "t.toml:1:5: integer out of range (64-bit signed)"},
        {"a = 0x8000000000000000\n", "t.toml:1:5: integer out of range (64-bit signed)"},
    };
    toml_errors("toml_syntax_errors", syntax, sizeof syntax / sizeof syntax[0]);
    toml_errors("toml_number_errors", numbers, sizeof numbers / sizeof numbers[0]);
}

static void test_limits(void)
{
    const char *name = "toml_limits";
    int before = failures;
    char text[4096], err[512];
    struct toml_doc d;
    size_t n = 0;
    /* 64 levels are fine, 65 are not */
    n += (size_t)snprintf(text, sizeof text, "a = ");
    for (int i = 0; i < 64; i++)
        text[n++] = '[';
    for (int i = 0; i < 64; i++)
        text[n++] = ']';
    text[n] = 0;
    if (parse_ok(name, text, &d))
        toml_free(&d);
    n = (size_t)snprintf(text, sizeof text, "a = ");
    for (int i = 0; i < 100; i++)
        text[n++] = '[';
    text[n] = 0;
    check(name, toml_parse(text, n, "t.toml", &d, err, sizeof err) == -1 &&
                    !strcmp(err, "t.toml:1:69: nesting deeper than 64 levels"), "deep array: %s", err);
    n = (size_t)snprintf(text, sizeof text, "x = ");
    for (int i = 0; i < 70; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "{a=");
    check(name, toml_parse(text, n, "t.toml", &d, err, sizeof err) == -1 &&
                    !strcmp(err, "t.toml:1:197: nesting deeper than 64 levels"), "deep inline: %s", err);
    n = 0;
    for (int i = 0; i < 65; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%sk", i ? "." : "");
    n += (size_t)snprintf(text + n, sizeof text - n, " = 1\n");
    check(name, toml_parse(text, n, "t.toml", &d, err, sizeof err) == -1 &&
                    !strcmp(err, "t.toml:1:129: key has more than 64 parts"), "long key: %s", err);
    /* NUL bytes are not characters TOML allows outside strings either */
    check(name, toml_parse("a = 'x'\0b = 1\n", 14, "t.toml", &d, err, sizeof err) == -1 &&
                    !strcmp(err, "t.toml:1:8: expected end of line, found byte 0x00"), "NUL: %s", err);
    check(name, toml_parse("a = 'x\0'\n", 10, "t.toml", &d, err, sizeof err) == -1 &&
                    !strcmp(err, "t.toml:1:7: control character U+0000 not allowed in a string"), "NUL: %s", err);
    /* errors are cut to the buffer, never overflow it */
    check(name, toml_parse("a = 1\na = 2", 11, "t.toml", &d, err, 8) == -1 && !strcmp(err, "t.toml:"),
          "short buffer: %s", err);
    done(name, before);
}

/* ---- manifest ---- */

int main(void)
{
    test_keys_and_tables();
    test_strings();
    test_integers_bools();
    test_arrays_inline();
    test_positions();
    test_toml_errors();
    test_limits();
    return report();
}
