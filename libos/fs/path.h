/* Lexical handling of guest path names: no file system is consulted here, so
 * these functions are also compiled and tested on the host (tests/unit). */
#ifndef PICOVM_PATH_H
#define PICOVM_PATH_H

#include <stddef.h>
#include <stdbool.h>

#define PATH_MAX_LEN 4096   /* bytes including the NUL, as Linux PATH_MAX */
#define NAME_MAX_LEN 255    /* bytes of one component */

/* Makes path absolute against base (an absolute normalised path, ignored when
 * path starts with '/') and normalises it: "//" and "." vanish, ".." removes the
 * previous component and stops at "/", no trailing '/'.  *dir_only tells that
 * the path ended in '/', "." or "..", so it must name a directory.  base may be
 * out itself (a link target is resolved in place against its directory).
 * Returns the length written to out, -ENOENT for "", -ENAMETOOLONG. */
long path_normalize(const char *base, const char *path, char *out, size_t outlen, bool *dir_only);

/* What the last component of a raw path is, ignoring trailing slashes. */
enum path_last { PATH_LAST_NAME, PATH_LAST_DOT, PATH_LAST_DOTDOT, PATH_LAST_ROOT };
enum path_last path_last_kind(const char *path);

/* Is abs (normalised) equal to dir or below it?  "/" contains everything. */
bool path_within(const char *abs, const char *dir);

/* Where the parent directory's name ends in abs (normalised): a NUL there
 * leaves the parent ("/" for "/x" and for "/"). */
char *path_parent_end(char *abs);

#endif
