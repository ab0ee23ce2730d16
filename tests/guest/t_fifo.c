/* FIFOs (named pipes) on a writable host mount (and a tmpfs): mkfifo and mknod, their type
 * in stat and readdir, open(2)'s rendezvous between processes (a forked
 * child, and a program started by exec that opens the FIFO by name),
 * O_NONBLOCK opens (ENXIO for a writer without a reader), O_RDWR, data and
 * end of file, EPIPE and SIGPIPE, poll, fcntl, a blocking open ended by a
 * signal (EINTR, or restarted with SA_RESTART), and unlink. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "scratch.h"

extern char **environ;

static char dir[PATH_MAX], fifo[PATH_MAX];
static char buf[256];
static volatile sig_atomic_t alarms;

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int exit_status(pid_t pid)
{
    int st = -1;
    if (waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Opens fifo as a writer (blocking), writes text and closes: the exec'ed side. */
static int writer_main(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return 10;
    size_t n = strlen(text);
    return write(fd, text, n) == (ssize_t)n && close(fd) == 0 ? 0 : 11;
}

static void make(void)
{
    umask(022);
    CHECK("mkfifo", mkfifo(fifo, 0666) == 0);
    struct stat st;
    CHECK("stat-fifo", stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0644);
    CHECK("lstat-fifo", lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode) && st.st_size == 0);
    CHECK("mkfifo-eexist", FAILS_WITH(mkfifo(fifo, 0644), EEXIST));
    char other[PATH_MAX];
    path_join(other, dir, "node");
    CHECK("mknod-fifo", mknod(other, S_IFIFO | 0600, 0) == 0 && stat(other, &st) == 0 && S_ISFIFO(st.st_mode) &&
                            (st.st_mode & 0777) == 0600);
    CHECK("mknodat-fifo-eexist", FAILS_WITH(mknodat(AT_FDCWD, other, S_IFIFO | 0600, 0), EEXIST));
    CHECK("unlink-node", unlink(other) == 0);
    int type = -1;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (!strcmp(e->d_name, "fifo"))
            type = e->d_type;
    if (d)
        closedir(d);
    CHECK("readdir-dt-fifo", type == DT_FIFO);
}

static void nonblocking(void)
{
    CHECK("wronly-nonblock-no-reader-enxio", FAILS_WITH(open(fifo, O_WRONLY | O_NONBLOCK), ENXIO));
    int r = open(fifo, O_RDONLY | O_NONBLOCK);
    CHECK("rdonly-nonblock-at-once", r >= 0);
    int w = open(fifo, O_WRONLY | O_NONBLOCK);
    CHECK("wronly-nonblock-with-reader", w >= 0);
    CHECK("read-empty-eagain", FAILS_WITH(read(r, buf, sizeof buf), EAGAIN));
    CHECK("write", write(w, "abc", 3) == 3);
    CHECK("read", read(r, buf, sizeof buf) == 3 && !memcmp(buf, "abc", 3));
    struct stat st;
    CHECK("fstat-fifo", fstat(r, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK("lseek-espipe", FAILS_WITH(lseek(r, 0, SEEK_SET), ESPIPE));
    CHECK("getfl", (fcntl(r, F_GETFL) & (O_ACCMODE | O_NONBLOCK)) == (O_RDONLY | O_NONBLOCK));
    CHECK("getpipe-sz", fcntl(w, F_GETPIPE_SZ) >= 4096);
    CHECK("close-writer", close(w) == 0);
    CHECK("read-eof", read(r, buf, sizeof buf) == 0);
    close(r);
}

static void rdwr(void)
{
    int fd = open(fifo, O_RDWR);
    CHECK("rdwr-at-once", fd >= 0);
    CHECK("rdwr-write-read", write(fd, "xy", 2) == 2 && read(fd, buf, sizeof buf) == 2 && !memcmp(buf, "xy", 2));
    CHECK("setfl-nonblock", fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
    CHECK("rdwr-empty-eagain", FAILS_WITH(read(fd, buf, sizeof buf), EAGAIN));
    close(fd);
}

/* Each side blocks in open until the other comes, whichever is first. */
static void rendezvous(int child_delay_ms, int parent_delay_ms, const char *name)
{
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(child_delay_ms);
        int fd = open(fifo, O_WRONLY);
        _exit(fd >= 0 && write(fd, "hello", 5) == 5 && close(fd) == 0 ? 0 : 1);
    }
    sleep_ms(parent_delay_ms);
    int fd = open(fifo, O_RDONLY);
    long got = 0, n;
    while (fd >= 0 && (n = read(fd, buf + got, sizeof buf - (size_t)got)) > 0)
        got += n;
    CHECK(name, fd >= 0 && got == 5 && !memcmp(buf, "hello", 5));
    CHECK("writer-child-exit", exit_status(pid) == 0);
    if (fd >= 0)
        close(fd);
}

/* A program started by exec opens the FIFO by name. */
static void by_exec(const char *self)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *args[] = { (char *)self, "writer", fifo, "from exec", NULL };
        execve(self, args, environ);
        _exit(12);
    }
    int fd = open(fifo, O_RDONLY);
    long got = 0, n;
    while (fd >= 0 && (n = read(fd, buf + got, sizeof buf - (size_t)got)) > 0)
        got += n;
    CHECK("exec-writer", fd >= 0 && got == 9 && !memcmp(buf, "from exec", 9));
    CHECK("exec-writer-exit", exit_status(pid) == 0);
    if (fd >= 0)
        close(fd);
}

static void epipe(void)
{
    int r = open(fifo, O_RDONLY | O_NONBLOCK);
    int w = open(fifo, O_WRONLY | O_NONBLOCK);
    close(r);
    signal(SIGPIPE, SIG_IGN);
    CHECK("epipe", FAILS_WITH(write(w, "x", 1), EPIPE));
    signal(SIGPIPE, SIG_DFL);
    pid_t pid = fork();
    if (pid == 0) {
        ssize_t n = write(w, "x", 1);
        _exit(n < 0 ? 2 : 3);
    }
    CHECK("sigpipe", exit_status(pid) == 128 + SIGPIPE);
    close(w);
}

static void polling(void)
{
    int r = open(fifo, O_RDONLY | O_NONBLOCK);
    int w = open(fifo, O_WRONLY | O_NONBLOCK);
    struct pollfd p = { .fd = r, .events = POLLIN };
    CHECK("poll-empty", poll(&p, 1, 0) == 0);
    struct pollfd q = { .fd = w, .events = POLLOUT };
    CHECK("poll-writable", poll(&q, 1, 0) == 1 && (q.revents & POLLOUT));
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(50);
        _exit(write(w, "z", 1) == 1 ? 0 : 1);
    }
    CHECK("poll-woken-by-child", poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
    CHECK("poll-child-exit", exit_status(pid) == 0);
    CHECK("poll-read", read(r, buf, sizeof buf) == 1);
    close(w);
    CHECK("poll-hup", poll(&p, 1, 0) == 1 && (p.revents & POLLHUP));
    close(r);
}

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static void arm_ms(int ms)
{
    struct itimerval it = { .it_value = { ms / 1000, (ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void interrupted(void)
{
    struct sigaction sa = { .sa_handler = on_alarm };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    alarms = 0;
    arm_ms(200);
    CHECK("open-reader-eintr", FAILS_WITH(open(fifo, O_RDONLY), EINTR) && alarms == 1);
    arm_ms(200);
    CHECK("open-writer-eintr", FAILS_WITH(open(fifo, O_WRONLY), EINTR) && alarms == 2);
    CHECK("no-reader-left", FAILS_WITH(open(fifo, O_WRONLY | O_NONBLOCK), ENXIO));

    /* SA_RESTART: the open goes on after the handler, until the writer comes. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(400);
        int fd = open(fifo, O_WRONLY);
        _exit(fd >= 0 && write(fd, "r", 1) == 1 ? 0 : 1);
    }
    arm_ms(100);
    int fd = open(fifo, O_RDONLY);
    CHECK("open-restarted", fd >= 0 && alarms == 3 && read(fd, buf, sizeof buf) == 1 && buf[0] == 'r');
    CHECK("restart-child-exit", exit_status(pid) == 0);
    if (fd >= 0)
        close(fd);
    signal(SIGALRM, SIG_DFL);
}

static void removal(void)
{
    int r = open(fifo, O_RDONLY | O_NONBLOCK);
    int w = open(fifo, O_WRONLY | O_NONBLOCK);
    CHECK("unlink", unlink(fifo) == 0);
    struct stat st;
    CHECK("gone", FAILS_WITH(stat(fifo, &st), ENOENT));
    CHECK("open-after-unlink", write(w, "k", 1) == 1 && read(r, buf, sizeof buf) == 1 && buf[0] == 'k');
    close(w);
    close(r);
    CHECK("open-gone-enoent", FAILS_WITH(open(fifo, O_RDONLY | O_NONBLOCK), ENOENT));
}

/* A tmpfs keeps FIFOs too (a host directory under picovm). */
static void on_tmpfs(void)
{
    char tdir[PATH_MAX], tfifo[PATH_MAX];
    scratch_dir(tdir, "T_TMPFS", "t_fifo");
    path_join(tfifo, tdir, "fifo");
    struct stat st;
    CHECK("tmpfs-mkfifo", mkfifo(tfifo, 0600) == 0 && stat(tfifo, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK("tmpfs-enxio", FAILS_WITH(open(tfifo, O_WRONLY | O_NONBLOCK), ENXIO));
    int r = open(tfifo, O_RDONLY | O_NONBLOCK);
    int w = open(tfifo, O_WRONLY);
    CHECK("tmpfs-data", r >= 0 && w >= 0 && write(w, "t", 1) == 1 && read(r, buf, sizeof buf) == 1 && buf[0] == 't');
    close(w);
    close(r);
    CHECK("tmpfs-unlink", unlink(tfifo) == 0);
    remove_tree(tdir);
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "writer"))
        return writer_main(argv[2], argv[3]);
    setvbuf(stdout, NULL, _IONBF, 0);
    scratch_dir(dir, "T_RW", "t_fifo");
    path_join(fifo, dir, "fifo");
    make();
    nonblocking();
    rdwr();
    rendezvous(100, 0, "rendezvous-reader-first");
    rendezvous(0, 100, "rendezvous-writer-first");
    by_exec(argv[0]);
    epipe();
    polling();
    interrupted();
    removal();
    remove_tree(dir);
    on_tmpfs();
    return check_exit_status();
}
