/* The manifest: maps the TOML tree onto struct pv_config, checking every
 * value's type and meaning, and reporting problems at the value's
 * file:line:col. */
#include "manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootinfo.h"
#include "layout.h"
#include "toml.h"

#define MANIFEST_MAX_SIZE (16u << 20)
#define MAX_PROCESSES_LIMIT 65536

struct mctx {
    struct toml_doc doc;
    struct pv_config *cfg;
    const char *file;
    char *dir;                 /* absolute folder of the manifest; NULL if unknown */
    char *err;
    size_t errlen;
    void (*warn)(const char *msg);
};

__attribute__((format(printf, 3, 4)))
static int merr(struct mctx *m, size_t off, const char *fmt, ...)
{
    if (!m->errlen)
        return -1;
    unsigned line, col;
    toml_where(&m->doc, off, &line, &col);
    int n = snprintf(m->err, m->errlen, "%s:%u:%u: ", m->file, line, col);
    if (n >= 0 && (size_t)n < m->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m->err + n, m->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void unknown(struct mctx *m, size_t off, const char *key)
{
    if (!m->warn)
        return;
    char msg[768];
    unsigned line, col;
    toml_where(&m->doc, off, &line, &col);
    snprintf(msg, sizeof msg, "%s:%u:%u: unknown manifest key '%s' (ignored)", m->file, line, col, key);
    m->warn(msg);
}

static int want(struct mctx *m, const struct toml_value *v, enum toml_type type, const char *key)
{
    if (v->type == type)
        return 0;
    return merr(m, v->off, "'%s' must be %s, not %s", key, toml_type_name(type),
                toml_type_name(v->type));
}

static char *dup_or_fail(struct mctx *m, const char *s, size_t off)
{
    char *d = strdup(s);
    if (!d)
        merr(m, off, "out of memory");
    return d;
}

/* Lexically cleans an absolute path: no "//", ".", ".." or trailing '/'. */
static char *normalise(const char *in)
{
    char *out = malloc(strlen(in) + 2);
    size_t o = 0;
    if (!out)
        return NULL;
    for (const char *s = in; *s;) {
        while (*s == '/')
            s++;
        size_t n = strcspn(s, "/");
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else if (n && !(n == 1 && s[0] == '.')) {
            out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s += n;
    }
    if (!o)
        out[o++] = '/';
    out[o] = 0;
    return out;
}

static char *concat3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *out = malloc(la + lb + lc + 1);
    if (out) {
        memcpy(out, a, la);
        memcpy(out + la, b, lb);
        memcpy(out + la + lb, c, lc + 1);
    }
    return out;
}

/* dir + "/" + rel, normalised; dir may be NULL when rel is absolute. */
static char *join_abs(const char *dir, const char *rel)
{
    if (rel[0] == '/' || !dir)
        return normalise(rel);
    char *tmp = concat3(dir, "/", rel);
    char *out = tmp ? normalise(tmp) : NULL;
    free(tmp);
    return out;
}

/* A guest path: absolute, stored normalised in *field. */
static int set_guest_path(struct mctx *m, const char *key, const struct toml_value *v, char **field)
{
    if (want(m, v, TOML_STRING, key))
        return -1;
    if (v->s.ptr[0] != '/')
        return merr(m, v->off, "'%s' must be an absolute path, not '%s'", key, v->s.ptr);
    free(*field);
    if (!(*field = normalise(v->s.ptr)))
        return merr(m, v->off, "out of memory");
    return 0;
}

static int set_start_dir(struct mctx *m, const char *key, const struct toml_value *v, void *field)
{
    return set_guest_path(m, key, v, field);
}

/* Kept as written (the library OS resolves it), minus Gramine's "file:". */
static int set_entrypoint(struct mctx *m, const char *key, const struct toml_value *v, void *field)
{
    char **out = field;
    if (want(m, v, TOML_STRING, key))
        return -1;
    const char *path = v->s.ptr;
    if (!strncmp(path, "file:", 5))
        path += 5;
    if (path[0] != '/')
        return merr(m, v->off, "'%s' must be an absolute guest path, not '%s'", key, v->s.ptr);
    *out = dup_or_fail(m, path, v->off);
    return *out ? 0 : -1;
}

static int set_bool(struct mctx *m, const char *key, const struct toml_value *v, void *field)
{
    if (want(m, v, TOML_BOOL, key))
        return -1;
    *(bool *)field = v->b;
    return 0;
}

/* A byte count: a non-negative integer or a string such as "8M". */
static int set_size(struct mctx *m, const char *key, const struct toml_value *v, void *field)
{
    uint64_t n = 0;
    if (v->type == TOML_INT) {
        if (v->i <= 0)
            return merr(m, v->off, "'%s' must be greater than zero", key);
        n = (uint64_t)v->i;
    } else if (v->type == TOML_STRING) {
        const char *s = v->s.ptr;
        size_t digits = strspn(s, "0123456789");
        unsigned shift = 0;
        const char *unit = s + digits;
        if (*unit == 'K' || *unit == 'k')
            shift = 10;
        else if (*unit == 'M' || *unit == 'm')
            shift = 20;
        else if (*unit == 'G' || *unit == 'g')
            shift = 30;
        if (!digits || unit[shift ? 1 : 0])
            return merr(m, v->off, "'%s': invalid size \"%s\" (expected a number with an optional "
                        "K, M or G suffix, e.g. \"8M\")", key, s);
        for (size_t i = 0; i < digits; i++) {
            if (n > (UINT64_MAX >> shift) / 10)
                return merr(m, v->off, "'%s': size \"%s\" is too large", key, s);
            n = n * 10 + (uint64_t)(s[i] - '0');
        }
        if (n > UINT64_MAX >> shift)
            return merr(m, v->off, "'%s': size \"%s\" is too large", key, s);
        n <<= shift;
        if (!n)
            return merr(m, v->off, "'%s' must be greater than zero", key);
    } else {
        return merr(m, v->off, "'%s' must be a size (an integer or a string like \"8M\"), not %s",
                    key, toml_type_name(v->type));
    }
    *(uint64_t *)field = n;
    return 0;
}

static int set_count(struct mctx *m, const char *key, const struct toml_value *v, void *field)
{
    if (want(m, v, TOML_INT, key))
        return -1;
    if (v->i < 1 || v->i > MAX_PROCESSES_LIMIT)
        return merr(m, v->off, "'%s' must be between 1 and %d", key, MAX_PROCESSES_LIMIT);
    *(uint64_t *)field = (uint64_t)v->i;
    return 0;
}

static int set_log_level(struct mctx *m, const char *key, const struct toml_value *v, void *field)
{
    static const struct { const char *name; int level; } levels[] = {
        {"none", LOG_ERROR},   {"error", LOG_ERROR}, {"warning", LOG_WARNING}, {"info", LOG_INFO},
        {"debug", LOG_DEBUG}, {"trace", LOG_TRACE}, {"all", LOG_TRACE},
    };
    if (want(m, v, TOML_STRING, key))
        return -1;
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        if (!strcmp(v->s.ptr, levels[i].name)) {
            *(int *)field = levels[i].level;
            return 0;
        }
    }
    return merr(m, v->off, "'%s': unknown level '%s' (expected none, error, warning, info, debug, "
                "trace or all)", key, v->s.ptr);
}

static int set_argv(struct mctx *m, const char *key, const struct toml_value *v, void *field)
{
    struct pv_config *cfg = m->cfg;
    (void)field;
    if (want(m, v, TOML_ARRAY, key))
        return -1;
    if (!(cfg->argv = calloc(v->a.n + 1, sizeof *cfg->argv)))
        return merr(m, v->off, "out of memory");
    for (size_t i = 0; i < v->a.n; i++) {
        const struct toml_value *e = v->a.v[i];
        if (e->type != TOML_STRING)
            return merr(m, e->off, "'%s[%zu]' must be a string, not %s", key, i,
                        toml_type_name(e->type));
        if (!(cfg->argv[cfg->argc] = dup_or_fail(m, e->s.ptr, e->off)))
            return -1;
        cfg->argc++;
    }
    return 0;
}

/* One loader.env entry: a string, { value = "..." } or { passthrough = true }.
 * *value is NULL when the variable is to be left unset. */
static int env_value(struct mctx *m, const char *key, const char *name, const struct toml_value *v,
                     const char **value)
{
    const struct toml_value *val = NULL, *pass = NULL;
    *value = NULL;
    if (v->type == TOML_STRING) {
        *value = v->s.ptr;
        return 0;
    }
    if (v->type != TOML_TABLE)
        return merr(m, v->off, "'%s' must be a string or a table, not %s", key, toml_type_name(v->type));
    for (size_t i = 0; i < v->t.n; i++) {
        const struct toml_kv *kv = &v->t.kv[i];
        if (!strcmp(kv->key, "value"))
            val = kv->val;
        else if (!strcmp(kv->key, "passthrough"))
            pass = kv->val;
        else
            return merr(m, kv->key_off, "'%s': unknown key '%s' (expected 'value' or 'passthrough')",
                        key, kv->key);
    }
    if (val && pass)
        return merr(m, v->off, "'%s' cannot have both 'value' and 'passthrough'", key);
    if (!val && !pass)
        return merr(m, v->off, "'%s' needs 'value' or 'passthrough'", key);
    if (val) {
        if (want(m, val, TOML_STRING, key))
            return -1;
        *value = val->s.ptr;
    } else {
        if (want(m, pass, TOML_BOOL, key))
            return -1;
        if (pass->b)
            *value = getenv(name);
    }
    return 0;
}

static int set_env(struct mctx *m, const char *key, const struct toml_value *v, void *field)
{
    struct pv_config *cfg = m->cfg;
    (void)field;
    if (want(m, v, TOML_TABLE, key))
        return -1;
    if (!(cfg->env = calloc(v->t.n ? v->t.n : 1, sizeof *cfg->env)))
        return merr(m, v->off, "out of memory");
    for (size_t i = 0; i < v->t.n; i++) {
        const struct toml_kv *kv = &v->t.kv[i];
        char name[512];
        const char *value;
        if (!kv->key[0] || strchr(kv->key, '=') || strchr(kv->key, '.'))
            return merr(m, kv->key_off, "invalid environment variable name '%s'", kv->key);
        snprintf(name, sizeof name, "%s.%s", key, kv->key);
        if (env_value(m, name, kv->key, kv->val, &value))
            return -1;
        if (!value)
            continue;
        struct pv_env *e = &cfg->env[cfg->nenv++];
        if (!(e->name = dup_or_fail(m, kv->key, kv->key_off)) ||
            !(e->value = dup_or_fail(m, value, kv->val->off)))
            return -1;
    }
    return 0;
}

/* A zeroed mount slot, at the front for the root mount (it must come first). */
static struct pv_mount *new_mount(struct mctx *m, size_t off, bool front)
{
    struct pv_config *cfg = m->cfg;
    if (cfg->nmounts >= MANIFEST_MAX_MOUNTS) {
        merr(m, off, "too many mounts (at most %d)", MANIFEST_MAX_MOUNTS);
        return NULL;
    }
    struct pv_mount *n = realloc(cfg->mounts, (cfg->nmounts + 1) * sizeof *n);
    if (!n) {
        merr(m, off, "out of memory");
        return NULL;
    }
    cfg->mounts = n;
    struct pv_mount *slot = &n[front ? 0 : cfg->nmounts];
    if (front)
        memmove(n + 1, n, cfg->nmounts * sizeof *n);
    cfg->nmounts++;
    memset(slot, 0, sizeof *slot);
    return slot;
}

/* "file:path" with a path relative to the manifest's folder -> "file:/abs". */
static int host_uri(struct mctx *m, const struct toml_value *v, const char *key, char **out)
{
    if (want(m, v, TOML_STRING, key))
        return -1;
    const char *s = v->s.ptr;
    if (strncmp(s, "file:", 5))
        return merr(m, v->off, "'%s' must start with \"file:\", not '%s'", key, s);
    if (!s[5])
        return merr(m, v->off, "'%s' has an empty host path", key);
    if (s[5] != '/' && !m->dir)
        return merr(m, v->off, "'%s': cannot resolve a relative path (current directory unknown)", key);
    char *abs = join_abs(m->dir, s + 5);
    *out = abs ? concat3("file:", abs, "") : NULL;
    free(abs);
    return *out ? 0 : merr(m, v->off, "out of memory");
}

/* One mount table; the root mount has no 'path' (it is "/"). */
static int parse_mount(struct mctx *m, const struct toml_value *t, const char *what, bool root)
{
    const struct toml_value *path = NULL, *uri = NULL, *type = NULL, *writable = NULL;
    char key[640];
    if (t->type != TOML_TABLE)
        return merr(m, t->off, "'%s' must be a table, not %s", what, toml_type_name(t->type));
    struct pv_mount *mnt = new_mount(m, t->off, root);
    if (!mnt)
        return -1;
    for (size_t i = 0; i < t->t.n; i++) {
        const struct toml_kv *kv = &t->t.kv[i];
        if (!root && !strcmp(kv->key, "path"))
            path = kv->val;
        else if (!strcmp(kv->key, "uri"))
            uri = kv->val;
        else if (!strcmp(kv->key, "type"))
            type = kv->val;
        else if (!strcmp(kv->key, "writable"))
            writable = kv->val;
        else {
            snprintf(key, sizeof key, "%s.%s", what, kv->key);
            unknown(m, kv->key_off, key);
        }
    }
    mnt->type = MOUNT_CHROOT;
    if (type) {
        snprintf(key, sizeof key, "%s.type", what);
        if (want(m, type, TOML_STRING, key))
            return -1;
        if (!strcmp(type->s.ptr, "tmpfs"))
            mnt->type = MOUNT_TMPFS;
        else if (strcmp(type->s.ptr, "chroot"))
            return merr(m, type->off, "'%s': unsupported mount type '%s' (picovm has chroot and tmpfs)",
                        key, type->s.ptr);
    }
    snprintf(key, sizeof key, "%s.path", what);
    if (root)
        mnt->path = dup_or_fail(m, "/", t->off);
    else if (!path)
        return merr(m, t->off, "'%s' needs a 'path'", what);
    else if (set_guest_path(m, key, path, &mnt->path))
        return -1;
    if (!mnt->path)
        return -1;
    mnt->writable = mnt->type == MOUNT_TMPFS;   /* a read-only tmpfs would be useless */
    if (writable) {
        snprintf(key, sizeof key, "%s.writable", what);
        if (want(m, writable, TOML_BOOL, key))
            return -1;
        mnt->writable = writable->b;
    }
    snprintf(key, sizeof key, "%s.uri", what);
    if (mnt->type == MOUNT_TMPFS)   /* Gramine's examples give tmpfs a dummy uri */
        return uri ? want(m, uri, TOML_STRING, key) : 0;
    if (!uri)
        return merr(m, t->off, "'%s' needs a 'uri' (\"file:/host/dir\")", what);
    return host_uri(m, uri, key, &mnt->uri);
}

static int set_mounts(struct mctx *m, const char *key, const struct toml_value *v, void *field)
{
    (void)field;
    if (want(m, v, TOML_ARRAY, key))
        return -1;
    for (size_t i = 0; i < v->a.n; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s[%zu]", key, i);
        if (parse_mount(m, v->a.v[i], what, false))
            return -1;
    }
    return 0;
}

static int set_root(struct mctx *m, const char *key, const struct toml_value *v, void *field)
{
    (void)field;
    return parse_mount(m, v, key, true);
}

typedef int setter(struct mctx *m, const char *key, const struct toml_value *v, void *field);

#define FIELD(name) offsetof(struct pv_config, name)
static const struct rule {
    const char *key;
    setter *set;
    size_t field;
} rules[] = {
    {"libos.entrypoint", set_entrypoint, FIELD(entrypoint)},
    {"loader.argv", set_argv, 0},
    {"loader.insecure__use_cmdline_argv", set_bool, FIELD(use_cmdline_argv)},
    {"loader.insecure__use_host_env", set_bool, FIELD(use_host_env)},
    {"loader.insecure__disable_aslr", set_bool, FIELD(disable_aslr)},
    {"loader.env", set_env, 0},
    {"loader.log_level", set_log_level, FIELD(log_level)},
    {"fs.root", set_root, 0},
    {"fs.mounts", set_mounts, 0},
    {"fs.start_dir", set_start_dir, FIELD(start_dir)},
    {"sys.stack.size", set_size, FIELD(stack_size)},
    {"sys.brk.max_size", set_size, FIELD(brk_max_size)},
    {"sys.max_processes", set_count, FIELD(max_processes)},
    {"picovm.memory_size", set_size, FIELD(memory_size)},
    {"picovm.shared_memory_size", set_size, FIELD(shared_memory_size)},
    {"picovm.end_with_first_process", set_bool, FIELD(end_with_first)},
    {"picovm.init", set_bool, FIELD(init)},
};

/* Gramine keys (with everything under them) that mean nothing to picovm. */
static const char *const ignored[] = {
    "sgx", "loader.entrypoint", "loader.preload", "libos.check_invalid_pointers",
    "loader.pal_internal_mem_size", "loader.uid", "loader.gid", "fs.insecure__keys",
    "sys.enable_sigterm_injection", "sys.insecure__allow_eventfd",
    "sys.enable_extra_runtime_domain_names_conf", "sys.experimental__enable_flock",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Whether some rule lives below key, so key must be a table to walk into. */
static bool is_namespace(const char *key)
{
    size_t n = strlen(key);
    for (size_t i = 0; i < COUNT(rules); i++)
        if (!strncmp(rules[i].key, key, n) && rules[i].key[n] == '.')
            return true;
    return false;
}

static int walk(struct mctx *m, const struct toml_value *t, const char *prefix)
{
    for (size_t i = 0; i < t->t.n; i++) {
        const struct toml_kv *kv = &t->t.kv[i];
        char key[512];
        snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", kv->key);
        if (strchr(kv->key, '.')) {   /* a quoted "a.b" is one key, not a path */
            unknown(m, kv->key_off, key);
            continue;
        }
        size_t r = 0, g = 0;
        while (r < COUNT(rules) && strcmp(rules[r].key, key))
            r++;
        while (g < COUNT(ignored) && strcmp(ignored[g], key))
            g++;
        if (r < COUNT(rules)) {
            if (rules[r].set(m, key, kv->val, (char *)m->cfg + rules[r].field))
                return -1;
        } else if (g < COUNT(ignored)) {
            continue;
        } else if (is_namespace(key)) {
            if (want(m, kv->val, TOML_TABLE, key) || walk(m, kv->val, key))
                return -1;
        } else {
            unknown(m, kv->key_off, key);
        }
    }
    return 0;
}

/* manifest_path (absolute when the current directory is known) and dir. */
static int locate(struct mctx *m, const char *filename)
{
    char *cwd = filename[0] == '/' ? NULL : getcwd(NULL, 0);
    struct pv_config *cfg = m->cfg;
    cfg->manifest_path = filename[0] == '/' || cwd ? join_abs(cwd, filename) : strdup(filename);
    free(cwd);
    if (!cfg->manifest_path)
        return merr(m, 0, "out of memory");
    if (cfg->manifest_path[0] != '/')
        return 0;
    size_t n = (size_t)(strrchr(cfg->manifest_path, '/') - cfg->manifest_path);
    if (!(m->dir = strndup(cfg->manifest_path, n ? n : 1)))
        return merr(m, 0, "out of memory");
    return 0;
}

int manifest_parse(const char *text, size_t len, const char *filename, struct pv_config *cfg,
                   char *err, size_t errlen, void (*warn)(const char *msg))
{
    struct mctx m = {.cfg = cfg, .file = filename, .err = err, .errlen = errlen, .warn = warn};
    memset(cfg, 0, sizeof *cfg);
    cfg->stack_size = 8ull << 20;
    cfg->brk_max_size = 256ull << 20;
    cfg->memory_size = GUEST_RAM_DEFAULT;
    cfg->shared_memory_size = SHARED_DEFAULT;
    /* Linux's default pid_max: the process table costs host memory only as
     * processes fill it (proc/pidns.c), and a program that forks a few hundred
     * children (test suites, servers) should not find a lower wall than on Linux. */
    cfg->max_processes = 32768;
    cfg->init = true;
    cfg->log_level = LOG_ERROR;
    if (toml_parse(text, len, filename, &m.doc, err, errlen)) {
        manifest_free(cfg);
        return -1;
    }
    int rc = locate(&m, filename);
    if (!rc && !(cfg->start_dir = strdup("/")))
        rc = merr(&m, 0, "out of memory");
    if (!rc)
        rc = walk(&m, m.doc.root, "");
    if (!rc && !cfg->entrypoint)
        rc = merr(&m, 0, "missing required key 'libos.entrypoint'");
    toml_free(&m.doc);
    free(m.dir);
    if (rc)
        manifest_free(cfg);
    return rc;
}

int manifest_load(const char *path, struct pv_config *cfg, char *err, size_t errlen,
                  void (*warn)(const char *msg))
{
    struct stat st;
    memset(cfg, 0, sizeof *cfg);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > MANIFEST_MAX_SIZE) {
        snprintf(err, errlen, "%s: not a regular file of at most %u MiB", path, MANIFEST_MAX_SIZE >> 20);
        close(fd);
        return -1;
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *text = malloc(size ? size : 1);
    while (text && got < size) {
        ssize_t n = read(fd, text + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "%s: read failed: %s", path, n ? strerror(errno) : "file shrank");
            free(text);
            close(fd);
            return -1;
        }
        got += (size_t)n;
    }
    close(fd);
    if (!text) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int rc = manifest_parse(text, size, path, cfg, err, errlen, warn);
    free(text);
    return rc;
}

void manifest_free(struct pv_config *cfg)
{
    for (size_t i = 0; i < cfg->argc; i++)
        free(cfg->argv[i]);
    for (size_t i = 0; i < cfg->nenv; i++) {
        free(cfg->env[i].name);
        free(cfg->env[i].value);
    }
    for (size_t i = 0; i < cfg->nmounts; i++) {
        free(cfg->mounts[i].path);
        free(cfg->mounts[i].uri);
    }
    free(cfg->argv);
    free(cfg->env);
    free(cfg->mounts);
    free(cfg->manifest_path);
    free(cfg->entrypoint);
    free(cfg->start_dir);
    memset(cfg, 0, sizeof *cfg);
}
