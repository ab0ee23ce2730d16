/* The in-memory file system: nodes shared by fs_tmpfs.c (the tree) and
 * tmpfs_file.c (file contents and open files). */
#ifndef PICOVM_TMPFS_H
#define PICOVM_TMPFS_H

#include "fs/fs.h"

struct tdirent {
    struct tdirent *next;
    struct tnode *node;
    uint64_t pos;         /* getdents position: increasing along the list, never reused */
    size_t namelen;
    char name[];
};

struct tnode {
    unsigned int mode, uid, gid;
    unsigned int nlink;   /* directory entries naming it (+ "." and subdirectories' "..") */
    unsigned int opens;   /* open files: the node lives while either count is non-zero */
    uint64_t ino, dev;
    uint64_t atime, mtime, ctime;   /* nanoseconds since the epoch */
    struct tnode *parent;           /* directories: for ".." */
    union {
        struct {
            struct tdirent *head, *tail;
            uint64_t next_pos;
            size_t count;
        } dir;
        struct {
            char **pages;   /* pages[i]: bytes [i*4096, (i+1)*4096); NULL is a hole */
            size_t nslots;
            uint64_t size, npages;
        } reg;
        struct {
            char *target;
        } lnk;
    };
};

/* tmpfs.c: a file in no directory (memfd_create), open with flags. */
long tmpfs_open_unnamed(struct mount *m, int flags, struct file **out);

/* tmpfs_file.c */
long tmpfs_file_open(struct mount *m, struct tnode *n, int flags, struct file **out);
long tmpfs_truncate_node(struct tnode *n, uint64_t len);
void tmpfs_free_data(struct tnode *n);
void tmpfs_node_stat(const struct tnode *n, struct stat *st);
long tmpfs_node_setattr(struct tnode *n, const struct vfs_attr *a);
/* Frees a node no directory names and no file holds. */
void tmpfs_node_release(struct tnode *n);

#endif
