/* A minimal /proc: "self", a directory per process of the application
 * with "stat", "status", "comm" and "cmdline" (ipc/proc.c makes their text)
 * and "task" (its one thread, whose tid is its pid, with the process's
 * stat, status and comm),
 * "mounts" and "mountinfo" (mountinfo.c), and for this process also "exe",
 * "cwd", "maps" and "fd/N"; and the machine-wide files (proc_sys.c).
 *
 * fd/N links are "magic" as on Linux: opening one opens what the descriptor
 * refers to even when that has no path (the console, a pipe), by sharing the
 * open file; regular files and directories of mounts are opened again by path. */
#include "fs/fs.h"
#include "ipc/ipc.h"
#include "fs/mountinfo.h"
#include "fs/proc_sys.h"
#include "mm/mm.h"

enum proc_kind { P_ROOT, P_SELF, P_PID, P_EXE, P_CWD, P_FDDIR, P_FD, P_STAT, P_STATUS, P_CMDLINE, P_MAPS, P_PAGEMAP,
                 P_MOUNTS, P_MOUNTINFO, P_SYSDIR, P_SYSFILE, P_SYSLINK, P_COMM, P_TASKDIR, P_TASK, P_NONE };

struct proc_node {
    enum proc_kind kind;
    int fd;               /* P_FD: the descriptor; P_SYS*: the proc_sys.c entry */
    int pid;              /* P_PID and the files in it */
    bool task;            /* stat, status or comm of task/TID rather than of the process */
};

/* An open stat, status or cmdline: its text as it was at open, as Linux
 * gives one read's worth. */
struct proc_text {
    struct proc_node node;
    size_t len;
    char *text;
};

static bool parse_uint(const char *s, size_t n, long max, long *out)
{
    if (!n || n > 10 || (n > 1 && s[0] == '0'))
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return v <= max;
}

/* task/TID...: the process's one thread, whose tid is its pid. */
static struct proc_node parse_task(const char *rest, int pid)
{
    struct proc_node none = { P_NONE, -1, 0, false };
    const char *slash = strchr(rest, '/');
    long tid;
    if (!parse_uint(rest, slash ? (size_t)(slash - rest) : strlen(rest), 0x7fffffff, &tid) || tid != pid)
        return none;
    if (!slash)
        return (struct proc_node){ P_TASK, -1, pid, false };
    const char *file = slash + 1;
    enum proc_kind k = !strcmp(file, "stat") ? P_STAT : !strcmp(file, "status") ? P_STATUS
                     : !strcmp(file, "comm") ? P_COMM : P_NONE;
    return k == P_NONE ? none : (struct proc_node){ k, -1, pid, true };
}

static struct proc_node parse(const char *rel)
{
    struct proc_node none = { P_NONE, -1, 0, false };
    if (!rel[0])
        return (struct proc_node){ P_ROOT, -1, 0, false };
    if (!strcmp(rel, "self"))
        return (struct proc_node){ P_SELF, -1, 0, false };
    int sys = proc_sys_find(rel);
    if (sys >= 0)
        return (struct proc_node){ proc_sys_is_dir(sys) ? P_SYSDIR : proc_sys_link(sys) ? P_SYSLINK : P_SYSFILE,
                                   sys, 0, false };
    const char *slash = strchr(rel, '/');
    size_t n = slash ? (size_t)(slash - rel) : strlen(rel);
    long pid;
    if (!parse_uint(rel, n, 0x7fffffff, &pid) || (pid != proc.pid && !ipc_pid_exists((int)pid)))
        return none;
    if (!slash)
        return (struct proc_node){ P_PID, -1, (int)pid, false };
    const char *rest = slash + 1;
    if (!strcmp(rest, "task"))
        return (struct proc_node){ P_TASKDIR, -1, (int)pid, false };
    if (!strncmp(rest, "task/", 5))
        return parse_task(rest + 5, (int)pid);
    if (!strcmp(rest, "comm"))
        return (struct proc_node){ P_COMM, -1, (int)pid, false };
    if (!strcmp(rest, "stat"))
        return (struct proc_node){ P_STAT, -1, (int)pid, false };
    if (!strcmp(rest, "status"))
        return (struct proc_node){ P_STATUS, -1, (int)pid, false };
    if (!strcmp(rest, "cmdline"))
        return (struct proc_node){ P_CMDLINE, -1, (int)pid, false };
    /* Every process of the application mounts the same file systems. */
    if (!strcmp(rest, "mounts"))
        return (struct proc_node){ P_MOUNTS, -1, (int)pid, false };
    if (!strcmp(rest, "mountinfo"))
        return (struct proc_node){ P_MOUNTINFO, -1, (int)pid, false };
    /* The rest is known of this process only. */
    if (pid != proc.pid)
        return none;
    if (!strcmp(rest, "exe"))
        return (struct proc_node){ P_EXE, -1, (int)pid, false };
    if (!strcmp(rest, "cwd"))
        return (struct proc_node){ P_CWD, -1, (int)pid, false };
    if (!strcmp(rest, "fd"))
        return (struct proc_node){ P_FDDIR, -1, (int)pid, false };
    if (!strcmp(rest, "maps"))
        return (struct proc_node){ P_MAPS, -1, (int)pid, false };
    if (!strcmp(rest, "pagemap"))
        return (struct proc_node){ P_PAGEMAP, -1, (int)pid, false };
    long fd;
    if (!strncmp(rest, "fd/", 3) && parse_uint(rest + 3, strlen(rest + 3), MAX_FDS - 1, &fd) && fd_file((int)fd))
        return (struct proc_node){ P_FD, (int)fd, (int)pid, false };
    return none;
}

static bool is_link(enum proc_kind k)
{
    return k == P_SELF || k == P_EXE || k == P_CWD || k == P_FD || k == P_SYSLINK;
}

static bool is_text(enum proc_kind k)
{
    return k == P_STAT || k == P_STATUS || k == P_CMDLINE || k == P_MAPS || k == P_MOUNTS || k == P_MOUNTINFO ||
           k == P_SYSFILE || k == P_COMM;
}

static void node_stat(struct proc_node p, struct stat *st)
{
    unsigned int mode = is_link(p.kind) ? S_IFLNK | (p.kind == P_FD ? 0700 : 0777) :
                        p.kind == P_PAGEMAP ? S_IFREG | 0400 :
                        p.kind == P_SYSFILE && proc_sys_writable(p.fd) ? S_IFREG | 0644 :
                        is_text(p.kind) ? S_IFREG | 0444 : S_IFDIR | 0555;
    uint64_t ino = ((uint64_t)p.kind << 32) | (uint32_t)(p.fd + 1) | ((uint64_t)(uint32_t)p.pid << 37) |
                   ((uint64_t)p.task << 36);
    fs_synth_stat(st, mode, ino, makedev(0, DEV_PROCFS), 0);
    /* A process's files are its owner's; the rest is root's, as on Linux. */
    if (p.pid) {
        st->st_uid = fs_uid();
        st->st_gid = fs_gid();
    }
}

static long proc_stat(struct mount *m, const char *rel, struct stat *st, bool nofollow)
{
    (void)m;
    struct proc_node p = parse(rel);
    if (p.kind == P_NONE)
        return -ENOENT;
    if (p.kind == P_FD && !nofollow)
        return file_stat(fd_file(p.fd), st);
    if (is_link(p.kind) && !nofollow)
        return VFS_FOLLOW;
    node_stat(p, st);
    return 0;
}

static long proc_readlink(struct mount *m, const char *rel, char *buf, size_t len)
{
    (void)m;
    struct proc_node p = parse(rel);
    char pid[16];
    const char *target;
    switch (p.kind) {
    case P_NONE:
        return -ENOENT;
    case P_SELF:
        snprintf(pid, sizeof(pid), "%d", proc.pid);
        target = pid;
        break;
    case P_EXE:
        target = proc.exe;
        break;
    case P_CWD:
        target = proc.cwd;
        break;
    case P_FD:
        target = fd_file(p.fd)->path ? fd_file(p.fd)->path : "anon_inode:[unknown]";
        break;
    case P_SYSLINK:
        target = proc_sys_link(p.fd);
        break;
    default:
        return -EINVAL;
    }
    size_t n = MIN(len, strlen(target));
    memcpy(buf, target, n);
    return (long)n;
}

/* Directory listings; the position is the index of the next entry. */
static long proc_getdents64(struct file *f, void *buf, size_t len)
{
    const struct proc_node *p = f->priv;
    /* Of another process: its first PID_FILES entries. */
    static const char *const pid_dir[] = { ".", "..", "cmdline", "comm", "mountinfo", "mounts", "stat", "status",
                                           "task", "cwd", "exe", "fd", "maps", "pagemap" };
    static const unsigned char pid_type[] = { DT_DIR, DT_DIR, DT_REG, DT_REG, DT_REG, DT_REG, DT_REG, DT_REG,
                                              DT_DIR, DT_LNK, DT_LNK, DT_DIR, DT_REG };
    /* task/TID holds these three. */
    static const char *const task_dir[] = { ".", "..", "comm", "stat", "status" };
    enum { PID_FILES = 9, MAX_PIDS = 4096 };
    int *pids = NULL, npids = 0;
    if (p->kind == P_ROOT && !(pids = kmalloc(MAX_PIDS * sizeof(*pids))))
        return -ENOMEM;
    if (pids)
        npids = ipc_pids(pids, MAX_PIDS);
    /* proc_sys.c's entries in this directory: the root's come before "self" and the pids. */
    int sysdir = p->kind == P_ROOT ? -1 : p->fd, nsys = 0;
    if (p->kind == P_ROOT || p->kind == P_SYSDIR)
        while (proc_sys_child(sysdir, nsys) >= 0)
            nsys++;
    size_t used = 0;
    for (;;) {
        uint64_t pos = f->pos;
        char name[16];
        unsigned char type = DT_DIR;
        if (pos < 2) {
            strlcpy(name, pos ? ".." : ".", sizeof(name));
        } else if (p->kind == P_ROOT || p->kind == P_SYSDIR) {
            int sys = pos - 2 < (uint64_t)nsys ? proc_sys_child(sysdir, (int)(pos - 2)) : -1;
            uint64_t i = pos - 2 - (uint64_t)nsys;
            if (sys >= 0) {
                strlcpy(name, proc_sys_name(sys), sizeof(name));
                type = proc_sys_is_dir(sys) ? DT_DIR : proc_sys_link(sys) ? DT_LNK : DT_REG;
            } else if (p->kind == P_ROOT && i == 0) {
                strlcpy(name, "self", sizeof(name));
                type = DT_LNK;
            } else if (p->kind == P_ROOT && i - 1 < (uint64_t)npids) {
                snprintf(name, sizeof(name), "%d", pids[i - 1]);
            } else {
                break;
            }
        } else if (p->kind == P_PID) {
            if (pos >= (p->pid == proc.pid ? ARRAY_SIZE(pid_dir) : PID_FILES))
                break;
            strlcpy(name, pid_dir[pos], sizeof(name));
            type = pid_type[pos];
        } else if (p->kind == P_TASKDIR) {
            if (pos > 2)
                break;
            snprintf(name, sizeof(name), "%d", p->pid);
        } else if (p->kind == P_TASK) {
            if (pos >= ARRAY_SIZE(task_dir))
                break;
            strlcpy(name, task_dir[pos], sizeof(name));
            type = DT_REG;
        } else {
            /* fd directory: position 2 + fd */
            while (pos - 2 < MAX_FDS && !fd_file((int)(pos - 2)))
                pos++;
            if (pos - 2 >= MAX_FDS) {
                f->pos = pos;
                break;
            }
            snprintf(name, sizeof(name), "%d", (int)(pos - 2));
            type = DT_LNK;
        }
        size_t n = strlen(name);
        if (!dirent_put(buf, len, &used, fs_hash(name, n) ^ p->kind, pos + 1, type, name, n)) {
            kfree(pids);
            return dirent_result(used);
        }
        f->pos = pos + 1;
    }
    kfree(pids);
    return (long)used;
}

static long proc_fstat(struct file *f, struct stat *st)
{
    node_stat(*(const struct proc_node *)f->priv, st);
    return 0;
}

static const struct file_ops proc_dir_ops = {
    .read = fs_dir_read,
    .stat = proc_fstat,
    .getdents64 = proc_getdents64,
    .release = file_free_priv,
};

static long proc_text_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
    const struct proc_text *t = f->priv;
    if (*pos >= t->len)
        return 0;
    size_t n = MIN(len, t->len - *pos);
    memcpy(buf, t->text + *pos, n);
    *pos += n;
    return (long)n;
}

static void proc_text_release(struct file *f)
{
    struct proc_text *t = f->priv;
    kfree(t->text);
    kfree(t);
}

/* Only a writable /proc/sys file is ever opened for writing (open_text). */
static long proc_sys_file_write(struct file *f, const void *buf, size_t len, uint64_t *pos)
{
    (void)pos;
    const struct proc_text *t = f->priv;
    long r = proc_sys_write(t->node.fd, buf, len);
    return r < 0 ? r : (long)len;
}

static const struct file_ops proc_text_ops = {
    .read = proc_text_read,
    .write = proc_sys_file_write,
    .stat = proc_fstat,
    .release = proc_text_release,
};

static long open_text(struct mount *m, struct proc_node p, int flags, struct file **out)
{
    bool writable = p.kind == P_SYSFILE && proc_sys_writable(p.fd) && fs_uid() == 0;
    if (((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) && !writable)
        return -EACCES;
    if (flags & O_DIRECTORY)
        return -ENOTDIR;
    struct proc_text *t = kzalloc(sizeof(*t));
    if (!t)
        return -ENOMEM;
    t->node = p;
    enum ipc_proc_file which = p.kind == P_STAT ? IPC_PROC_STAT : p.kind == P_STATUS ? IPC_PROC_STATUS
                             : p.kind == P_COMM ? IPC_PROC_COMM : IPC_PROC_CMDLINE;
    long r;
    if (p.kind == P_MAPS)
        r = mm_maps_text(&t->text, &t->len);
    else if (p.kind == P_MOUNTS || p.kind == P_MOUNTINFO)
        r = mounts_text(p.kind == P_MOUNTINFO, &t->text, &t->len);
    else if (p.kind == P_SYSFILE)
        r = proc_sys_text(p.fd, &t->text, &t->len);
    else
        r = ipc_proc_text(p.pid, which, &t->text, &t->len);
    if (r == 0)
        r = file_open(&proc_text_ops, flags, m, NULL, t, out);
    if (r < 0) {
        kfree(t->text);
        kfree(t);
    }
    return r;
}

/* pagemap: whole 64-bit entries, at a position that is the page's number times 8. */
static long pagemap_read(struct file *f, void *buf, size_t len, uint64_t *pos)
{
    (void)f;
    if ((*pos | len) & 7)
        return -EINVAL;
    uint64_t entries[64];
    size_t done = 0;
    len = MIN(len, PAL_MAX_IO);
    while (done < len) {
        size_t n = MIN((len - done) / 8, sizeof(entries) / 8);
        mm_pagemap((*pos + done) / 8, entries, n);
        if (!user_range_ok((char *)buf + done, n * 8, true))
            return done ? (long)done : -EFAULT;
        memcpy((char *)buf + done, entries, n * 8);
        done += n * 8;
    }
    *pos += done;
    return (long)done;
}

static void pagemap_release(struct file *f) { kfree(f->priv); }

static const struct file_ops pagemap_ops = {
    .read = pagemap_read,
    .stat = proc_fstat,
    .release = pagemap_release,
};

/* Opening fd/N: what has a path is opened again (its own position, as Linux
 * gives), anything else shares the descriptor's open file. */
static long open_fd_link(struct file *target, int flags, int mode, struct file **out)
{
    struct stat st;
    long r = file_stat(target, &st);
    if (r < 0)
        return r;
    /* The console has a path for show only: it is shared like a pipe. */
    if ((S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) && target->mnt && target->path)
        return VFS_FOLLOW;
    (void)mode;
    if ((flags & O_DIRECTORY) && !S_ISDIR(st.st_mode))
        return -ENOTDIR;
    file_get(target);
    *out = target;
    return 0;
}

static long proc_open(struct mount *m, const char *rel, int flags, int mode, struct file **out)
{
    struct proc_node p = parse(rel);
    if (p.kind == P_NONE)
        return (flags & O_CREAT) ? -EACCES : -ENOENT;
    if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if (is_link(p.kind)) {
        if (flags & O_NOFOLLOW)
            return -ELOOP;
        return p.kind == P_FD ? open_fd_link(fd_file(p.fd), flags, mode, out) : VFS_FOLLOW;
    }
    if (is_text(p.kind))
        return open_text(m, p, flags, out);
    bool pagemap = p.kind == P_PAGEMAP;
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT))
        return pagemap ? -EACCES : -EISDIR;
    if (pagemap && (flags & O_DIRECTORY))
        return -ENOTDIR;
    struct proc_node *priv = kmalloc(sizeof(*priv));
    if (!priv)
        return -ENOMEM;
    *priv = p;
    long r = file_open(pagemap ? &pagemap_ops : &proc_dir_ops, flags, m, NULL, priv, out);
    if (r < 0)
        kfree(priv);
    return r;
}

static struct file *proc_fd_link(struct mount *m, const char *rel)
{
    (void)m;
    struct proc_node p = parse(rel);
    return p.kind == P_FD ? fd_file(p.fd) : NULL;
}

const struct fs_type fs_proc = {
    .name = "proc",
    .open = proc_open,
    .stat = proc_stat,
    .readlink = proc_readlink,
    .fd_link = proc_fd_link,
};
