// FUZZ-SOURCES: monitor/config/toml.c monitor/config/toml_lex.c monitor/config/manifest.c
/* libFuzzer target: any input either parses into a config that can be freed,
 * or fails with a "file:line:col: message" error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/manifest.h"

#define FILE_NAME "/fuzz/app.manifest"

static void ignore(const char *msg)
{
    if (strncmp(msg, FILE_NAME ":", sizeof FILE_NAME))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pv_config cfg;
    char err[512];
    unsigned line, col;
    if (manifest_parse((const char *)data, size, FILE_NAME, &cfg, err, sizeof err, ignore) == 0) {
        if (!cfg.entrypoint || cfg.entrypoint[0] != '/' || !cfg.start_dir || cfg.start_dir[0] != '/')
            abort();
        for (size_t i = 0; i < cfg.nmounts; i++)
            if (cfg.mounts[i].path[0] != '/' || (cfg.mounts[i].uri && strncmp(cfg.mounts[i].uri, "file:/", 6)))
                abort();
        manifest_free(&cfg);
    } else if (sscanf(err, FILE_NAME ":%u:%u: ", &line, &col) != 2 || !line || !col ||
               !strstr(err, ": ") || cfg.entrypoint || cfg.mounts) {
        abort();
    }
    return 0;
}
