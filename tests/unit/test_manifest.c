// UNIT-SOURCES: monitor/config/toml.c monitor/config/toml_lex.c monitor/config/manifest.c
/* Unit tests for the manifest: Gramine's keys and picovm's mapped to the
 * monitor's configuration.  Every error is checked by its exact
 * "file:line:col: message" text. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootinfo.h"
#include "config/manifest.h"
#include "config_check.h"

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
        check(name, c.stack_size == 8 << 20 && c.brk_max_size == 256 << 20 && c.memory_size == 4ull << 30 &&
                        c.shared_memory_size == 1ull << 30 && c.max_processes == 32768 && c.log_level == LOG_ERROR,
              "defaults");
        check(name, !c.use_cmdline_argv && !c.use_host_env && !c.disable_aslr, "flags default off");
        free(cwd);
        manifest_free(&c);
    }
    const char *aot =
        "[libos]\nentrypoint = \"/bin/app\"\n"
        "[[fs.mounts]]\npath = \"/etc/../etc//\"\nuri = \"file:conf\"\n"
        "[[fs.mounts]]\ntype = \"tmpfs\"\npath = \"/run\"\nwritable = false\n"
        "[fs.root]\nuri = \"file:/\"\ntype = \"chroot\"\nwritable = true\n"
        "[loader]\nargv = []\nlog_level = \"trace\"\ninsecure__use_host_env = true\n"
        "insecure__disable_aslr = true\nenv.A = \"1\"\nenv.B = \"x=y\"\n"
        "[picovm]\nshared_memory_size = \"64M\"\n";
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
        check(name, c.log_level == LOG_TRACE && c.use_host_env && c.disable_aslr, "loader");
        check(name, c.shared_memory_size == 64 << 20, "picovm.shared_memory_size");
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
    for (int i = 0; i < MANIFEST_MAX_MOUNTS; i++)
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
    test_gramine_manifest();
    test_defaults_and_forms();
    test_sizes();
    test_warnings();
    test_manifest_errors();
    test_load();
    return report();
}
