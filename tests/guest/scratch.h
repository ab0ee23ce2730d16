/* A private, empty working directory under one of the directories the harness
 * gives in the environment (T_RW, T_TMPFS), so a test can be run again in the
 * same place.  Setup problems end the test with one FAIL line. */
#ifndef PICOVM_TEST_SCRATCH_H
#define PICOVM_TEST_SCRATCH_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Does directory dir list name? */
static inline int listed(const char *dir, const char *name)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;
    while (d && (e = readdir(d)))
        found |= !strcmp(e->d_name, name);
    if (d)
        closedir(d);
    return found;
}

/* The directory named by environment variable var; ends the test if unset. */
static inline const char *env_dir(const char *var)
{
    const char *dir = getenv(var);
    if (!dir || dir[0] != '/') {
        printf("FAIL setup: %s is not set to an absolute path\n", var);
        exit(1);
    }
    return dir;
}

/* out = "a/b"; ends the test if that does not fit. */
static inline const char *path_join(char out[PATH_MAX], const char *a, const char *b)
{
    if (snprintf(out, PATH_MAX, "%s/%s", a, b) >= PATH_MAX) {
        printf("FAIL setup: path too long\n");
        exit(1);
    }
    return out;
}

/* Removes path and everything below it; quietly, whatever is already gone.
 * A directory is read again until a pass removes nothing, so a file system
 * whose directory offsets shift under deletion cannot make us miss entries. */
static inline void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    for (int removed = 1; removed;) {
        DIR *d = opendir(path);
        struct dirent *e;
        removed = 0;
        if (!d)
            break;
        while ((e = readdir(d))) {
            char sub[PATH_MAX];
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            remove_tree(path_join(sub, path, e->d_name));
            removed |= lstat(sub, &st) != 0;
        }
        closedir(d);
    }
    rmdir(path);
}

/* Fills out with "$var/name", emptied and created anew. */
static inline void scratch_dir(char out[PATH_MAX], const char *var, const char *name)
{
    remove_tree(path_join(out, env_dir(var), name));
    if (mkdir(out, 0755) != 0) {
        printf("FAIL setup: mkdir %s/%s (errno=%d)\n", var, name, errno);
        exit(1);
    }
}

#endif
