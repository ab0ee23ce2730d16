/* The extended-attribute calls: getxattr, setxattr, listxattr and
 * removexattr, on a path, a path not followed (l*) or a descriptor (f*).
 * No file system of picovm keeps extended attributes, so each call answers
 * as Linux does for a file system without them (one with no xattr
 * handlers): after its own checks of the name, flags and size, and of the
 * file (and, for a change, its mount being writable), reading or changing
 * an attribute fails with EOPNOTSUPP and the list is empty. */
#include "fs/fs.h"
#include "fs/vfs.h"
#include "syscall/handlers.h"
#include <linux/limits.h>
#include <linux/xattr.h>

/* A name from the program: 1 to XATTR_NAME_MAX bytes, else ERANGE. */
static long check_name(const char *name)
{
    long r = user_string_ok(name, XATTR_NAME_MAX + 1);
    if (r == -ENAMETOOLONG || (r == 0 && !name[0]))
        return -ERANGE;
    return r;
}

/* The file a path names must exist; a change needs its mount writable. */
static long check_path(const char *path, bool nofollow, bool change)
{
    struct lookup lkb, *lk = &lkb;
    long r = vfs_lookup_existing(path, nofollow, lk);
    if (r < 0)
        return r;
    return change && (!lk->m || lk->synthetic || !lk->m->writable) ? -EROFS : 0;
}

/* An O_PATH descriptor opens no file for any operation, these included (Linux's fdget). */
static long check_fd(int fd, bool change)
{
    struct file *f = fd_file(fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    return change && f->mnt && !f->mnt->writable ? -EROFS : 0;
}

/* setxattr's own checks, made before the file is looked at, as Linux does. */
static long check_set(const char *name, size_t size, int flags)
{
    if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
        return -EINVAL;
    long r = check_name(name);
    if (r < 0)
        return r;
    return size > XATTR_SIZE_MAX ? -E2BIG : 0;
}

static long get(long file_check, const char *name)
{
    long r = file_check < 0 ? file_check : check_name(name);
    return r < 0 ? r : -EOPNOTSUPP;
}

/* What is listed: nothing. */
static long list(long file_check) { return file_check < 0 ? file_check : 0; }

long sys_getxattr(const char *path, const char *name, void *value, size_t size)
{
    (void)value, (void)size;
    return get(check_path(path, false, false), name);
}

long sys_lgetxattr(const char *path, const char *name, void *value, size_t size)
{
    (void)value, (void)size;
    return get(check_path(path, true, false), name);
}

long sys_fgetxattr(int fd, const char *name, void *value, size_t size)
{
    (void)value, (void)size;
    return get(check_fd(fd, false), name);
}

/* A change: its own checks first (name, and for setxattr flags and size), then the file's. */
static long change(long own_check, const char *path, bool nofollow)
{
    long r = own_check < 0 ? own_check : check_path(path, nofollow, true);
    return r < 0 ? r : -EOPNOTSUPP;
}

static long change_fd(long own_check, int fd)
{
    long r = own_check < 0 ? own_check : check_fd(fd, true);
    return r < 0 ? r : -EOPNOTSUPP;
}

long sys_setxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
    (void)value;
    return change(check_set(name, size, flags), path, false);
}

long sys_lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags)
{
    (void)value;
    return change(check_set(name, size, flags), path, true);
}

long sys_fsetxattr(int fd, const char *name, const void *value, size_t size, int flags)
{
    (void)value;
    return change_fd(check_set(name, size, flags), fd);
}

long sys_listxattr(const char *path, char *list_buf, size_t size)
{
    (void)list_buf, (void)size;
    return list(check_path(path, false, false));
}

long sys_llistxattr(const char *path, char *list_buf, size_t size)
{
    (void)list_buf, (void)size;
    return list(check_path(path, true, false));
}

long sys_flistxattr(int fd, char *list_buf, size_t size)
{
    (void)list_buf, (void)size;
    return list(check_fd(fd, false));
}

long sys_removexattr(const char *path, const char *name) { return change(check_name(name), path, false); }
long sys_lremovexattr(const char *path, const char *name) { return change(check_name(name), path, true); }
long sys_fremovexattr(int fd, const char *name) { return change_fd(check_name(name), fd); }
