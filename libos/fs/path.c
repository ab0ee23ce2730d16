/* Lexical path normalisation.  ".." is applied to the text, not to the tree:
 * "link/.." is the directory holding link, as in Plan 9 and Gramine, rather
 * than the parent of link's target as Linux would resolve it.  The resolver in
 * lookup.c follows links in guest file systems after this step. */
#include "fs/path.h"
#include "klib.h"
#include <asm/errno.h>

static bool is_dot(const char *s, size_t n) { return n == 1 && s[0] == '.'; }
static bool is_dotdot(const char *s, size_t n) { return n == 2 && s[0] == '.' && s[1] == '.'; }

/* Appends the components of p to out[0..*len), which holds "" for "/". */
static long add_components(const char *p, char *out, size_t outlen, size_t *len, bool *last_dot)
{
    *last_dot = false;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t n = (size_t)(p - s);
        if (n > NAME_MAX_LEN)
            return -ENAMETOOLONG;
        *last_dot = is_dot(s, n) || is_dotdot(s, n);
        if (is_dot(s, n))
            continue;
        if (is_dotdot(s, n)) {
            while (*len > 0 && out[*len - 1] != '/')
                (*len)--;
            if (*len > 0)
                (*len)--;
            continue;
        }
        if (*len + 1 + n + 1 > outlen)
            return -ENAMETOOLONG;
        out[(*len)++] = '/';
        memcpy(out + *len, s, n);
        *len += n;
    }
    return 0;
}

long path_normalize(const char *base, const char *path, char *out, size_t outlen, bool *dir_only)
{
    if (!path[0])
        return -ENOENT;
    if (outlen < 2)
        return -ENAMETOOLONG;
    size_t len = 0;
    bool last_dot;
    long r;
    if (path[0] != '/' && base == out) {
        len = strlen(out);
        if (len == 1)
            len = 0;
    } else if (path[0] != '/' && base) {
        r = add_components(base, out, outlen, &len, &last_dot);
        if (r < 0)
            return r;
    }
    r = add_components(path, out, outlen, &len, &last_dot);
    if (r < 0)
        return r;
    *dir_only = last_dot || path[strlen(path) - 1] == '/';
    if (len == 0)
        out[len++] = '/';
    out[len] = 0;
    return (long)len;
}

enum path_last path_last_kind(const char *path)
{
    size_t end = strlen(path);
    while (end > 0 && path[end - 1] == '/')
        end--;
    if (end == 0)
        return PATH_LAST_ROOT;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (is_dot(path + start, end - start))
        return PATH_LAST_DOT;
    if (is_dotdot(path + start, end - start))
        return PATH_LAST_DOTDOT;
    return PATH_LAST_NAME;
}

bool path_within(const char *abs, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return true;
    return strncmp(abs, dir, n) == 0 && (abs[n] == 0 || abs[n] == '/');
}

char *path_parent_end(char *abs)
{
    char *slash = strrchr(abs, '/');
    return slash + (slash == abs);
}
