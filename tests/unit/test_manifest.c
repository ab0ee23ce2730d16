// UNIT-SOURCES: monitor/config/toml.c monitor/config/manifest.c
/* Unit tests for the TOML parser and the manifest mapping.  Every error is
 * checked by its exact "file:line:col: message" text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootinfo.h"
#include "config/manifest.h"
#include "config/toml.h"

static int failures, passes, failed_tests;

__attribute__((format(printf, 3, 4)))
static bool check(const char *name, bool cond, const char *fmt, ...)
{
    if (cond)
        return true;
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL %s: ", name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failures++;
    return false;
}

static void done(const char *name, int failures_before)
{
    if (failures == failures_before) {
        printf("ok %s\n", name);
        passes++;
    } else {
        failed_tests++;
    }
}

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

/* Each case: TOML text and the exact error it must produce. */
struct err_case {
    const char *text, *err;
};

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

static char warnings[4096];

static void collect(const char *msg)
{
    size_t n = strlen(warnings);
    snprintf(warnings + n, sizeof warnings - n, "%s\n", msg);
}

static bool mparse(const char *name, const char *text, const char *file, struct pv_config *cfg)
{
    char err[512];
    warnings[0] = 0;
    int rc = manifest_parse(text, strlen(text), file, cfg, err, sizeof err, collect);
    return check(name, rc == 0, "unexpected error: %s", err);
}

static void manifest_errors(const char *name, const struct err_case *c, size_t n)
{
    int before = failures;
    for (size_t i = 0; i < n; i++) {
        struct pv_config cfg;
        char err[512];
        int rc = manifest_parse(c[i].text, strlen(c[i].text), "/m/app.manifest", &cfg, err, sizeof err, NULL);
        if (!check(name, rc == -1, "case %zu parsed but should fail with: %s", i, c[i].err))
            manifest_free(&cfg);
        else
            check(name, !strcmp(err, c[i].err) && !cfg.entrypoint && !cfg.mounts && !cfg.start_dir,
                  "case %zu: want \"%s\", got \"%s\"", i, c[i].err, err);
    }
    done(name, before);
}

static const char gramine_manifest[] =
    "# Rendered from a Gramine template\n"
    "libos.entrypoint = \"file:/usr/bin/python3\"\n"
    "loader.entrypoint = \"file:/usr/lib/x86_64-linux-gnu/gramine/libsysdb.so\"\n"
    "loader.log_level = \"warning\"\n"
    "loader.insecure__use_cmdline_argv = true\n"
    "loader.argv = [\"python3\", \"-c\", \"print('hi')\"]\n"
    "loader.uid = 1000\n"
    "loader.gid = 1000\n"
    "loader.preload = \"file:/x.so\"\n"
    "loader.pal_internal_mem_size = \"64M\"\n"
    "libos.check_invalid_pointers = false\n"
    "\n"
    "[loader.env]\n"
    "LD_LIBRARY_PATH = \"/lib:/usr/lib\"\n"
    "HOME = { value = \"/root\" }\n"
    "PV_TEST_PASS = { passthrough = true }\n"
    "PV_TEST_UNSET = { passthrough = true }\n"
    "PV_TEST_OFF = { passthrough = false }\n"
    "\n"
    "[sys]\n"
    "enable_sigterm_injection = true\n"
    "insecure__allow_eventfd = true\n"
    "enable_extra_runtime_domain_names_conf = true\n"
    "experimental__enable_flock = true\n"
    "stack.size = \"2M\"\n"
    "brk.max_size = \"64M\"\n"
    "max_processes = 8\n"
    "\n"
    "[fs]\n"
    "start_dir = \"/app/./src/\"\n"
    "root.uri = \"file:rootfs\"\n"
    "insecure__keys.default = \"ffeeddccbbaa99887766554433221100\"\n"
    "mounts = [\n"
    "  { path = \"/lib\", uri = \"file:/usr/lib/x86_64-linux-gnu/gramine/runtime/glibc\" },\n"
    "  { path = \"/usr/lib/python3.11\", uri = \"file:../py//lib/\" },\n"
    "  { type = \"tmpfs\", path = \"/tmp\", uri = \"file:dummy-unused-by-tmpfs-uri\" },\n"
    "  { path = \"/data\", uri = \"file:/srv/data\", writable = true },\n"
    "]\n"
    "\n"
    "[sgx]\n"
    "debug = true\n"
    "edmm_enable = false\n"
    "enclave_size = \"1G\"\n"
    "max_threads = 16\n"
    "trusted_files = [\n"
    "  \"file:/usr/bin/python3\",\n"
    "  { uri = \"file:/usr/lib/python3.11/\", sha256 = \"00\" },\n"
    "]\n"
    "allowed_files = [ \"file:/tmp/\" ]\n"
    "isvprodid = 0x10\n"
    "\n"
    "[picovm]\n"
    "memory_size = \"1G\"\n";

static void test_gramine_manifest(void)
{
    const char *name = "manifest_gramine";
    int before = failures;
    struct pv_config c;
    setenv("PV_TEST_PASS", "from host", 1);
    setenv("PV_TEST_OFF", "hidden", 1);
    unsetenv("PV_TEST_UNSET");
    if (mparse(name, gramine_manifest, "/work/apps/py/python.manifest", &c)) {
        check(name, !strcmp(c.manifest_path, "/work/apps/py/python.manifest"), "path %s", c.manifest_path);
        check(name, !strcmp(c.entrypoint, "/usr/bin/python3"), "entrypoint %s", c.entrypoint);
        check(name, c.log_level == LOG_WARNING, "log level %d", c.log_level);
        check(name, c.use_cmdline_argv && !c.use_host_env, "argv/env flags");
        check(name, c.argc == 3 && !strcmp(c.argv[0], "python3") && !strcmp(c.argv[2], "print('hi')") &&
                        !c.argv[3], "argv");
        check(name, c.nenv == 3, "nenv %zu", c.nenv);
        if (c.nenv == 3) {
            check(name, !strcmp(c.env[0].name, "LD_LIBRARY_PATH") && !strcmp(c.env[0].value, "/lib:/usr/lib"),
                  "env0");
            check(name, !strcmp(c.env[1].name, "HOME") && !strcmp(c.env[1].value, "/root"), "env1");
            check(name, !strcmp(c.env[2].name, "PV_TEST_PASS") && !strcmp(c.env[2].value, "from host"),
                  "passthrough");
        }
        check(name, c.stack_size == 2 << 20 && c.brk_max_size == 64 << 20 && c.memory_size == 1 << 30 &&
                        c.max_processes == 8, "sizes");
        check(name, !strcmp(c.start_dir, "/app/src"), "start_dir %s", c.start_dir);
        check(name, c.nmounts == 5, "nmounts %zu", c.nmounts);
        if (c.nmounts == 5) {
            struct pv_mount *m = c.mounts;
            check(name, !strcmp(m[0].path, "/") && !strcmp(m[0].uri, "file:/work/apps/py/rootfs") &&
                            m[0].type == MOUNT_CHROOT && !m[0].writable, "root mount first: %s", m[0].uri);
            check(name, !strcmp(m[1].path, "/lib") &&
                            !strcmp(m[1].uri, "file:/usr/lib/x86_64-linux-gnu/gramine/runtime/glibc"), "lib");
            check(name, !strcmp(m[2].uri, "file:/work/apps/py/lib"), "relative uri: %s", m[2].uri);
            check(name, !strcmp(m[3].path, "/tmp") && !m[3].uri && m[3].type == MOUNT_TMPFS && m[3].writable,
                  "tmpfs");
            check(name, !strcmp(m[4].path, "/data") && m[4].writable && m[4].type == MOUNT_CHROOT, "data");
        }
        check(name, !warnings[0], "no warnings expected: %s", warnings);
        manifest_free(&c);
        check(name, !c.entrypoint && !c.mounts && !c.nmounts, "manifest_free clears");
    }
    done(name, before);
}

static void test_defaults_and_forms(void)
{
    const char *name = "manifest_defaults_forms";
    int before = failures;
    struct pv_config c;
    if (mparse(name, "libos.entrypoint = \"/hello\"\n", "app.manifest", &c)) {
        char *cwd = getcwd(NULL, 0), want[4096];
        snprintf(want, sizeof want, "%s/app.manifest", strcmp(cwd, "/") ? cwd : "");
        check(name, !strcmp(c.manifest_path, want), "relative manifest path %s", c.manifest_path);
        check(name, !strcmp(c.entrypoint, "/hello") && !strcmp(c.start_dir, "/"), "entry/start_dir");
        check(name, !c.argv && !c.argc && !c.env && !c.nenv && !c.mounts && !c.nmounts, "empty lists");
        check(name, c.stack_size == 8 << 20 && c.brk_max_size == 256 << 20 && c.memory_size == 256 << 20 &&
                        c.max_processes == 64 && c.log_level == LOG_ERROR, "defaults");
        check(name, !c.use_cmdline_argv && !c.use_host_env, "flags default off");
        free(cwd);
        manifest_free(&c);
    }
    const char *aot =
        "[libos]\nentrypoint = \"/bin/app\"\n"
        "[[fs.mounts]]\npath = \"/etc/../etc//\"\nuri = \"file:conf\"\n"
        "[[fs.mounts]]\ntype = \"tmpfs\"\npath = \"/run\"\nwritable = false\n"
        "[fs.root]\nuri = \"file:/\"\ntype = \"chroot\"\nwritable = true\n"
        "[loader]\nargv = []\nlog_level = \"trace\"\ninsecure__use_host_env = true\n"
        "env.A = \"1\"\nenv.B = \"x=y\"\n";
    if (mparse(name, aot, "/m/sub/app.manifest", &c)) {
        check(name, c.nmounts == 3, "nmounts %zu", c.nmounts);
        if (c.nmounts == 3) {
            check(name, !strcmp(c.mounts[0].path, "/") && !strcmp(c.mounts[0].uri, "file:/") &&
                            c.mounts[0].writable, "root %s", c.mounts[0].uri);
            check(name, !strcmp(c.mounts[1].path, "/etc") && !strcmp(c.mounts[1].uri, "file:/m/sub/conf") &&
                            !c.mounts[1].writable, "etc %s", c.mounts[1].path);
            check(name, c.mounts[2].type == MOUNT_TMPFS && !c.mounts[2].writable && !c.mounts[2].uri, "run");
        }
        check(name, c.argv && !c.argv[0] && c.argc == 0, "empty argv");
        check(name, c.log_level == LOG_TRACE && c.use_host_env, "loader");
        check(name, c.nenv == 2 && !strcmp(c.env[1].value, "x=y"), "env via dotted keys");
        manifest_free(&c);
    }
    static const struct { const char *level; int want; } levels[] = {
        {"none", LOG_ERROR}, {"error", LOG_ERROR}, {"warning", LOG_WARNING}, {"info", LOG_INFO},
        {"debug", LOG_DEBUG}, {"trace", LOG_TRACE}, {"all", LOG_TRACE},
    };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "libos.entrypoint = '/x'\nloader.log_level = '%s'\n", levels[i].level);
        if (mparse(name, text, "/a.manifest", &c)) {
            check(name, c.log_level == levels[i].want, "level %s", levels[i].level);
            check(name, !strcmp(c.manifest_path, "/a.manifest"), "manifest at root %s", c.manifest_path);
            manifest_free(&c);
        }
    }
    /* a mount in the manifest's own folder, which is "/" */
    if (mparse(name, "libos.entrypoint = '/x'\nfs.mounts = [{path='/d', uri='file:.'}]\n", "/a.manifest", &c)) {
        check(name, c.nmounts == 1 && !strcmp(c.mounts[0].uri, "file:/"), "uri %s", c.mounts[0].uri);
        manifest_free(&c);
    }
    done(name, before);
}

static void test_sizes(void)
{
    const char *name = "manifest_sizes";
    int before = failures;
    static const struct { const char *val; uint64_t want; } ok[] = {
        {"\"8M\"", 8 << 20},  {"\"256K\"", 256 << 10}, {"\"1G\"", 1 << 30}, {"\"3g\"", 3ull << 30},
        {"\"5m\"", 5 << 20}, {"\"7k\"", 7 << 10},      {"4096", 4096},     {"\"12345\"", 12345},
        {"0x1000", 4096},     {"\"17179869183G\"", 17179869183ull << 30},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char text[128];
        struct pv_config c;
        snprintf(text, sizeof text, "libos.entrypoint = '/x'\nsys.stack.size = %s\n", ok[i].val);
        if (mparse(name, text, "/a.manifest", &c)) {
            check(name, c.stack_size == ok[i].want, "%s -> %llu", ok[i].val, (unsigned long long)c.stack_size);
            manifest_free(&c);
        }
    }
    static const struct err_case bad[] = {
#define SZ(v) "libos.entrypoint = '/x'\nsys.brk.max_size = " v "\n"
#define SZERR(what) "/m/app.manifest:2:20: 'sys.brk.max_size': invalid size " what \
        " (expected a number with an optional K, M or G suffix, e.g. \"8M\")"
        {SZ("\"8X\""), SZERR("\"8X\"")},
        {SZ("\"\""), SZERR("\"\"")},
        {SZ("\"M\""), SZERR("\"M\"")},
        {SZ("\"1.5M\""), SZERR("\"1.5M\"")},
        {SZ("\"8MB\""), SZERR("\"8MB\"")},
        {SZ("\" 8M\""), SZERR("\" 8M\"")},
        {SZ("\"-1\""), SZERR("\"-1\"")},
        {SZ("-1"), "/m/app.manifest:2:20: 'sys.brk.max_size' must be greater than zero"},
        {SZ("0"), "/m/app.manifest:2:20: 'sys.brk.max_size' must be greater than zero"},
        {SZ("\"0K\""), "/m/app.manifest:2:20: 'sys.brk.max_size' must be greater than zero"},
        {SZ("\"17179869184G\"\n"), "/m/app.manifest:2:20: 'sys.brk.max_size': size \"17179869184G\" is too large"},
        {SZ("\"99999999999999999999\""),
         "/m/app.manifest:2:20: 'sys.brk.max_size': size \"99999999999999999999\" is too large"},
        {SZ("true"), "/m/app.manifest:2:20: 'sys.brk.max_size' must be a size (an integer or a string like "
                     "\"8M\"), not a boolean"},
        {SZ("1.5"), "/m/app.manifest:2:20: floating-point numbers are not supported"},
#undef SZ
#undef SZERR
    };
    done(name, before);
    manifest_errors("manifest_size_errors", bad, sizeof bad / sizeof bad[0]);
}

static void test_warnings(void)
{
    const char *name = "manifest_unknown_keys";
    int before = failures;
    struct pv_config c;
    const char *text =
        "libos.entrypoint = '/x'\n"
        "loader.argv0_override = 'a'\n"
        "sgx.anything.at.all = { x = 1 }\n"
        "\"loader.argv\" = ['quoted key is one key']\n"
        "[fs]\n"
        "mounts = [ { path = '/a', uri = 'file:/a', key_name = 'k' } ]\n"
        "root = { uri = 'file:/r', path = '/' }\n"
        "[frobnicate]\n"
        "x = 1\n"
        "[sys.stack]\n"
        "size = '1M'\n"
        "guard = 1\n";
    if (mparse(name, text, "/w/app.manifest", &c)) {
        const char *want =
            "/w/app.manifest:2:8: unknown manifest key 'loader.argv0_override' (ignored)\n"
            "/w/app.manifest:4:1: unknown manifest key 'loader.argv' (ignored)\n"
            "/w/app.manifest:6:44: unknown manifest key 'fs.mounts[0].key_name' (ignored)\n"
            "/w/app.manifest:7:27: unknown manifest key 'fs.root.path' (ignored)\n"
            "/w/app.manifest:8:2: unknown manifest key 'frobnicate' (ignored)\n"
            "/w/app.manifest:12:1: unknown manifest key 'sys.stack.guard' (ignored)\n";
        check(name, !strcmp(warnings, want), "warnings:\n%s", warnings);
        check(name, c.stack_size == 1 << 20 && c.nmounts == 2 && !c.argv, "values still read");
        manifest_free(&c);
    }
    /* warn == NULL is allowed */
    char err[256];
    check(name, manifest_parse(text, strlen(text), "/w/a", &c, err, sizeof err, NULL) == 0, "NULL warn");
    manifest_free(&c);
    done(name, before);
}

static void test_manifest_errors(void)
{
    static const struct err_case cases[] = {
        {"", "/m/app.manifest:1:1: missing required key 'libos.entrypoint'"},
        {"loader.argv = ['a']\n", "/m/app.manifest:1:1: missing required key 'libos.entrypoint'"},
        {"libos.entrypoint = 'hello'\n",
         "/m/app.manifest:1:20: 'libos.entrypoint' must be an absolute guest path, not 'hello'"},
        {"libos.entrypoint = 'file:hello'\n",
         "/m/app.manifest:1:20: 'libos.entrypoint' must be an absolute guest path, not 'file:hello'"},
        {"libos.entrypoint = 1\n", "/m/app.manifest:1:20: 'libos.entrypoint' must be a string, not an integer"},
        {"libos = 'x'\n", "/m/app.manifest:1:9: 'libos' must be a table, not a string"},
        {"libos.entrypoint = '/x'\nsys.stack = 5\n", "/m/app.manifest:2:13: 'sys.stack' must be a table, not an integer"},
        {"libos.entrypoint = '/x'\nloader.argv = 'a b'\n",
         "/m/app.manifest:2:15: 'loader.argv' must be an array, not a string"},
        {"libos.entrypoint = '/x'\nloader.argv = ['a',\n  2]\n",
         "/m/app.manifest:3:3: 'loader.argv[1]' must be a string, not an integer"},
        {"libos.entrypoint = '/x'\nloader.insecure__use_host_env = 'yes'\n",
         "/m/app.manifest:2:33: 'loader.insecure__use_host_env' must be a boolean, not a string"},
        {"libos.entrypoint = '/x'\nloader.log_level = 'verbose'\n",
         "/m/app.manifest:2:20: 'loader.log_level': unknown level 'verbose' (expected none, error, warning, "
         "info, debug, trace or all)"},
        {"libos.entrypoint = '/x'\nloader.env = ['A=1']\n",
         "/m/app.manifest:2:14: 'loader.env' must be a table, not an array"},
        {"libos.entrypoint = '/x'\nloader.env.A = 1\n",
         "/m/app.manifest:2:16: 'loader.env.A' must be a string or a table, not an integer"},
        {"libos.entrypoint = '/x'\nloader.env.A = { value = 'a', passthrough = true }\n",
         "/m/app.manifest:2:16: 'loader.env.A' cannot have both 'value' and 'passthrough'"},
        {"libos.entrypoint = '/x'\nloader.env.A = {}\n",
         "/m/app.manifest:2:16: 'loader.env.A' needs 'value' or 'passthrough'"},
        {"libos.entrypoint = '/x'\nloader.env.A = { valu = 'a' }\n",
         "/m/app.manifest:2:18: 'loader.env.A': unknown key 'valu' (expected 'value' or 'passthrough')"},
        {"libos.entrypoint = '/x'\nloader.env.A = { passthrough = 'yes' }\n",
         "/m/app.manifest:2:32: 'loader.env.A' must be a boolean, not a string"},
        {"libos.entrypoint = '/x'\nloader.env.A = { value = 3 }\n",
         "/m/app.manifest:2:26: 'loader.env.A' must be a string, not an integer"},
        {"libos.entrypoint = '/x'\n[loader.env]\n'A=B' = 'c'\n",
         "/m/app.manifest:3:1: invalid environment variable name 'A=B'"},
        {"libos.entrypoint = '/x'\n[loader.env]\n\"\" = 'c'\n",
         "/m/app.manifest:3:1: invalid environment variable name ''"},
        {"libos.entrypoint = '/x'\nfs.mounts = { path = '/a' }\n",
         "/m/app.manifest:2:13: 'fs.mounts' must be an array, not a table"},
        {"libos.entrypoint = '/x'\nfs.mounts = [ '/a' ]\n",
         "/m/app.manifest:2:15: 'fs.mounts[0]' must be a table, not a string"},
        {"libos.entrypoint = '/x'\nfs.mounts = [ { uri = 'file:/a' } ]\n",
         "/m/app.manifest:2:15: 'fs.mounts[0]' needs a 'path'"},
        {"libos.entrypoint = '/x'\n[[fs.mounts]]\npath = '/a'\n",
         "/m/app.manifest:2:1: 'fs.mounts[0]' needs a 'uri' (\"file:/host/dir\")"},
        {"libos.entrypoint = '/x'\nfs.mounts = [ { path = 'a', uri = 'file:/a' } ]\n",
         "/m/app.manifest:2:24: 'fs.mounts[0].path' must be an absolute path, not 'a'"},
        {"libos.entrypoint = '/x'\nfs.mounts = [ { path = '/a', uri = '/a' } ]\n",
         "/m/app.manifest:2:36: 'fs.mounts[0].uri' must start with \"file:\", not '/a'"},
        {"libos.entrypoint = '/x'\nfs.mounts = [ { path = '/a', uri = 'file:' } ]\n",
         "/m/app.manifest:2:36: 'fs.mounts[0].uri' has an empty host path"},
        {"libos.entrypoint = '/x'\nfs.mounts = [ { path = '/a', uri = 5 } ]\n",
         "/m/app.manifest:2:36: 'fs.mounts[0].uri' must be a string, not an integer"},
        {"libos.entrypoint = '/x'\nfs.mounts = [ { path = '/a', type = 'tmpfs', uri = 5 } ]\n",
         "/m/app.manifest:2:52: 'fs.mounts[0].uri' must be a string, not an integer"},
        {"libos.entrypoint = '/x'\nfs.mounts = [ { path = '/a', type = 'encrypted', uri = 'file:a' } ]\n",
         "/m/app.manifest:2:37: 'fs.mounts[0].type': unsupported mount type 'encrypted' (picovm has chroot "
         "and tmpfs)"},
        {"libos.entrypoint = '/x'\nfs.mounts = [ { path = '/a', type = 1 } ]\n",
         "/m/app.manifest:2:37: 'fs.mounts[0].type' must be a string, not an integer"},
        {"libos.entrypoint = '/x'\nfs.mounts = [ { path = '/a', uri = 'file:/a', writable = 'yes' } ]\n",
         "/m/app.manifest:2:58: 'fs.mounts[0].writable' must be a boolean, not a string"},
        {"libos.entrypoint = '/x'\nfs.root = { type = 'chroot' }\n",
         "/m/app.manifest:2:11: 'fs.root' needs a 'uri' (\"file:/host/dir\")"},
        {"libos.entrypoint = '/x'\nfs.root = 'file:/'\n", "/m/app.manifest:2:11: 'fs.root' must be a table, not a string"},
        {"libos.entrypoint = '/x'\nfs.start_dir = 'src'\n",
         "/m/app.manifest:2:16: 'fs.start_dir' must be an absolute path, not 'src'"},
        {"libos.entrypoint = '/x'\nsys.max_processes = 0\n",
         "/m/app.manifest:2:21: 'sys.max_processes' must be between 1 and 65536"},
        {"libos.entrypoint = '/x'\nsys.max_processes = '8'\n",
         "/m/app.manifest:2:21: 'sys.max_processes' must be an integer, not a string"},
        {"libos.entrypoint = '/x'\npicovm.memory_size = 'lots'\n",
         "/m/app.manifest:2:22: 'picovm.memory_size': invalid size \"lots\" (expected a number with an optional "
         "K, M or G suffix, e.g. \"8M\")"},
        /* syntax errors come through with the same file name */
        {"libos.entrypoint = '/x'\nlibos.entrypoint = '/y'\n",
         "/m/app.manifest:2:7: duplicate key 'libos.entrypoint' (first defined at line 1)"},
    };
    manifest_errors("manifest_errors", cases, sizeof cases / sizeof cases[0]);

    const char *name = "manifest_too_many_mounts";
    int before = failures;
    char text[8192], err[256];
    struct pv_config c;
    size_t n = (size_t)snprintf(text, sizeof text, "libos.entrypoint = '/x'\nfs.root.uri = 'file:/'\n");
    for (int i = 0; i < BOOTINFO_MAX_MOUNTS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "[[fs.mounts]]\npath = '/m%d'\ntype = 'tmpfs'\n", i);
    check(name, manifest_parse(text, n, "/m/a", &c, err, sizeof err, NULL) == -1 &&
                    !strcmp(err, "/m/a:96:1: too many mounts (at most 32)"), "got %s", err);
    done(name, before);
}

static void test_load(void)
{
    const char *name = "manifest_load";
    int before = failures;
    char dir[] = "/tmp/pvtestXXXXXX", path[64], err[512];
    struct pv_config c;
    if (!check(name, mkdtemp(dir) != NULL, "mkdtemp"))
        return;
    snprintf(path, sizeof path, "%s/app.manifest", dir);
    FILE *f = fopen(path, "w");
    fputs("libos.entrypoint = '/bin/x'\nfs.mounts = [{ path = '/', uri = 'file:root' }]\n", f);
    fclose(f);
    if (check(name, manifest_load(path, &c, err, sizeof err, NULL) == 0, "load: %s", err)) {
        char want[96];
        snprintf(want, sizeof want, "file:%s/root", dir);
        check(name, c.nmounts == 1 && !strcmp(c.mounts[0].uri, want), "uri %s", c.mounts[0].uri);
        check(name, !strcmp(c.manifest_path, path), "manifest_path %s", c.manifest_path);
        manifest_free(&c);
    }
    f = fopen(path, "w");
    fputs("libos.entrypoint = '/bin/x'\nx = [\n", f);
    fclose(f);
    char want[160];
    snprintf(want, sizeof want, "%s:3:1: expected a value, found end of file", path);
    check(name, manifest_load(path, &c, err, sizeof err, NULL) == -1 && !strcmp(err, want), "got %s", err);
    unlink(path);
    snprintf(want, sizeof want, "%s: No such file or directory", path);
    check(name, manifest_load(path, &c, err, sizeof err, NULL) == -1 && !strcmp(err, want), "got %s", err);
    check(name, manifest_load(dir, &c, err, sizeof err, NULL) == -1 && strstr(err, "not a regular file"),
          "directory: %s", err);
    rmdir(dir);
    done(name, before);
}

int main(void)
{
    test_keys_and_tables();
    test_strings();
    test_integers_bools();
    test_arrays_inline();
    test_positions();
    test_toml_errors();
    test_limits();
    test_gramine_manifest();
    test_defaults_and_forms();
    test_sizes();
    test_warnings();
    test_manifest_errors();
    test_load();
    printf("%d passed, %d failed\n", passes, failed_tests);
    return failures ? 1 : 0;
}
