/* Every system call the library OS implements, with its real prototype, one
 * group per file that defines it.  syscall/list.h numbers them; the table
 * (syscall/entry.c) calls each with the six argument registers, which the
 * x86-64 calling convention passes the same way to these integer and pointer
 * parameters.  The guest is built with -Wmissing-prototypes, so a handler
 * without a line here, or one whose definition disagrees with it, does not
 * build. */
#ifndef PICOVM_LIBOS_SYSCALLS_H
#define PICOVM_LIBOS_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>
#include <asm/signal.h>
#include <asm/siginfo.h>

struct __kernel_old_itimerval;
struct __user_cap_data_struct;
struct __user_cap_header_struct;
struct __kernel_old_timeval;
struct __kernel_timespec;
struct iovec;
struct k_sigaction;
struct new_utsname;
struct pollfd;
struct rusage;
struct sched_param;
struct sigmask_arg;
struct stat;
struct statx;
struct statfs;
struct sysinfo;
struct timespec;
struct timeval;
struct tms;
struct utimbuf;

/* signal/frame.c */
long sys_rt_sigreturn(void);

/* signal/itimer.c */
long sys_alarm(unsigned int seconds);
long sys_getitimer(int which, struct __kernel_old_itimerval *uv);
long sys_setitimer(int which, const struct __kernel_old_itimerval *unew, struct __kernel_old_itimerval *uold);

/* sys/attr.c */
long sys_chmod(const char *path, unsigned int mode);
long sys_chown(const char *path, unsigned int uid, unsigned int gid);
long sys_fchmod(int fd, unsigned int mode);
long sys_fchmodat(int dirfd, const char *path, unsigned int mode);
long sys_fchown(int fd, unsigned int uid, unsigned int gid);
long sys_fchownat(int dirfd, const char *path, unsigned int uid, unsigned int gid, int flags);
long sys_lchown(const char *path, unsigned int uid, unsigned int gid);
long sys_umask(int mask);
long sys_utime(const char *path, const struct utimbuf *times);
long sys_utimensat(int dirfd, const char *path, const struct timespec *times, int flags);
long sys_utimes(const char *path, const struct timeval *tv);

/* sys/caps.c */
long sys_capget(struct __user_cap_header_struct *hdrp, struct __user_cap_data_struct *datap);
long sys_capset(struct __user_cap_header_struct *hdrp, const struct __user_cap_data_struct *datap);

/* sys/cred.c */
long sys_getegid(void);
long sys_geteuid(void);
long sys_getgid(void);
long sys_getgroups(int size, unsigned int *list);
long sys_getresgid(unsigned int *rgid, unsigned int *egid, unsigned int *sgid);
long sys_getresuid(unsigned int *ruid, unsigned int *euid, unsigned int *suid);
long sys_getuid(void);
long sys_setfsgid(unsigned int gid);
long sys_setfsuid(unsigned int uid);
long sys_setgid(unsigned int gid);
long sys_setgroups(int size, const unsigned int *list);
long sys_setregid(unsigned int rgid, unsigned int egid);
long sys_setresgid(unsigned int r, unsigned int e, unsigned int s);
long sys_setresuid(unsigned int r, unsigned int e, unsigned int s);
long sys_setreuid(unsigned int ruid, unsigned int euid);
long sys_setuid(unsigned int uid);

/* sys/dir.c */
long sys_chdir(const char *path);
long sys_fchdir(int fd);
long sys_getcwd(char *buf, unsigned long size);
long sys_getdents64(int fd, void *dirp, unsigned int count);
long sys_mkdir(const char *path, int mode);
long sys_mkdirat(int dirfd, const char *path, int mode);
long sys_readlink(const char *path, char *buf, int bufsiz);
long sys_readlinkat(int dirfd, const char *path, char *buf, int bufsiz);
long sys_rename(const char *oldpath, const char *newpath);
long sys_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
long sys_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);
long sys_rmdir(const char *path);
long sys_symlink(const char *target, const char *linkpath);
long sys_symlinkat(const char *target, int newdirfd, const char *linkpath);
long sys_unlink(const char *path);
long sys_unlinkat(int dirfd, const char *path, int flags);
long sys_link(const char *oldpath, const char *newpath);
long sys_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags);
long sys_mknod(const char *path, unsigned int mode, unsigned int dev);
long sys_mknodat(int dirfd, const char *path, unsigned int mode, unsigned int dev);

/* sys/exec.c */
long sys_execve(const char *upath, char *const uargv[], char *const uenvp[]);

/* sys/fallocate.c */
long sys_fallocate(int fd, int mode, int64_t offset, int64_t len);

/* sys/fd.c */
long sys_dup(int fd);
long sys_dup2(int oldfd, int newfd);
long sys_dup3(int oldfd, int newfd, int flags);
long sys_fcntl(int fd, int cmd, unsigned long arg);
long sys_flock(int fd, int op);

/* sys/fork.c */
long sys_clone(uint64_t flags, uint64_t child_stack, int *ptid, int *ctid, uint64_t tls);
long sys_clone3(const void *uargs, size_t size);
long sys_fork(void);
long sys_vfork(void);

/* sys/mlock.c */
long sys_mlock(uint64_t addr, uint64_t len);
long sys_mlock2(uint64_t addr, uint64_t len, unsigned int flags);
long sys_mlockall(int flags);
long sys_munlock(uint64_t addr, uint64_t len);
long sys_munlockall(void);

/* sys/open.c */
long sys_close(int fd);
long sys_fdatasync(int fd);
long sys_fsync(int fd);
long sys_ftruncate(int fd, int64_t length);
long sys_ioctl(int fd, unsigned int req, unsigned long arg);
long sys_lseek(int fd, int64_t off, int whence);
long sys_open(const char *path, int flags, int mode);
long sys_openat(int dirfd, const char *path, int flags, int mode);
long sys_pread64(int fd, void *buf, size_t count, int64_t off);
long sys_preadv(int fd, const struct iovec *iov, int cnt, int64_t off);
long sys_pwrite64(int fd, const void *buf, size_t count, int64_t off);
long sys_pwritev(int fd, const struct iovec *iov, int cnt, int64_t off);
long sys_read(int fd, void *buf, size_t count);
long sys_readv(int fd, const struct iovec *iov, int cnt);
long sys_truncate(const char *path, int64_t length);
long sys_write(int fd, const void *buf, size_t count);
long sys_writev(int fd, const struct iovec *iov, int cnt);
long sys_sendfile(int out_fd, int in_fd, int64_t *offset, size_t count);
long sys_creat(const char *path, int mode);

/* sys/info.c */
long sys_getrandom(void *buf, size_t count, unsigned int flags);
long sys_getrlimit(unsigned int resource, void *rlim);
long sys_prlimit64(int pid, unsigned int resource, const void *new_rlim, void *old_rlim);
long sys_setrlimit(unsigned int resource, const void *rlim);
long sys_sysinfo(struct sysinfo *info);
long sys_uname(struct new_utsname *buf);

/* sys/mmap.c */
long sys_brk(uint64_t want);
long sys_madvise(uint64_t addr, uint64_t len, int advice);
long sys_msync(uint64_t addr, uint64_t len, int flags);
long sys_memfd_create(const char *name, unsigned int flags);
long sys_mmap(uint64_t addr, uint64_t len, int prot, int flags, int fd, uint64_t off);
long sys_mprotect(uint64_t addr, uint64_t len, int prot);
long sys_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr);
long sys_munmap(uint64_t addr, uint64_t len);

/* sys/personality.c */
long sys_personality(unsigned int value);

/* sys/pgrp.c */
long sys_setpgid(int pid, int pgid);
long sys_setsid(void);

/* sys/evfd.c */
struct __kernel_itimerspec;
long sys_eventfd(unsigned int count);
long sys_eventfd2(unsigned int count, int flags);
long sys_timerfd_create(int clock, int flags);
long sys_timerfd_settime(int fd, int flags, const struct __kernel_itimerspec *unew, struct __kernel_itimerspec *uold);
long sys_timerfd_gettime(int fd, struct __kernel_itimerspec *ucur);

/* signal/signalfd.c */
long sys_signalfd(int fd, const uint64_t *umask, size_t size);
long sys_signalfd4(int fd, const uint64_t *umask, size_t size, int flags);

/* sys/pipe.c */
long sys_pipe(int *fds);
long sys_pipe2(int *fds, int flags);

/* sys/poll.c */
long sys_poll(struct pollfd *ufds, unsigned int nfds, int timeout_ms);
long sys_ppoll(struct pollfd *ufds, unsigned int nfds, struct __kernel_timespec *tsp, const uint64_t *umask, size_t sigsetsize);
long sys_pselect6(int n, uint64_t *in, uint64_t *out, uint64_t *ex, struct __kernel_timespec *tsp, const struct sigmask_arg *usig);
long sys_select(int n, uint64_t *in, uint64_t *out, uint64_t *ex, struct __kernel_old_timeval *utv);
struct epoll_event;
long sys_epoll_create(int size);
long sys_epoll_create1(int flags);
long sys_epoll_ctl(int epfd, int op, int fd, const struct epoll_event *uev);
long sys_epoll_wait(int epfd, struct epoll_event *uev, int max, int timeout_ms);
long sys_epoll_pwait(int epfd, struct epoll_event *uev, int max, int timeout_ms, const uint64_t *umask,
                     size_t sigsetsize);
long sys_epoll_pwait2(int epfd, struct epoll_event *uev, int max, const struct __kernel_timespec *tsp,
                      const uint64_t *umask, size_t sigsetsize);

/* sys/proc.c */
long sys_arch_prctl(int code, unsigned long addr);
long sys_exit(int status);
long sys_exit_group(int status);
long sys_futex(uint32_t *uaddr, int op, uint32_t val, const void *utime, uint32_t *uaddr2, uint32_t val3);
long sys_getcpu(unsigned int *cpu, unsigned int *node, void *cache);
long sys_getpgid(int pid);
long sys_getpgrp(void);
long sys_getpid(void);
long sys_getppid(void);
long sys_getsid(int pid);
long sys_gettid(void);
long sys_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);
long sys_sched_yield(void);
long sys_set_robust_list(void *head, size_t len);
long sys_set_tid_address(int *tidptr);

/* sys/rusage.c */
long sys_getrusage(int who, struct rusage *ru);
long sys_times(struct tms *buf);

/* sys/sched.c */
long sys_getpriority(int which, int who);
long sys_sched_get_priority_max(int policy);
long sys_sched_get_priority_min(int policy);
long sys_sched_getaffinity(int pid, unsigned int len, void *mask);
long sys_sched_getparam(int pid, struct sched_param *param);
long sys_sched_getscheduler(int pid);
long sys_sched_setaffinity(int pid, unsigned int len, const void *mask);
long sys_sched_setparam(int pid, const struct sched_param *param);
long sys_sched_setscheduler(int pid, int policy, const struct sched_param *param);
long sys_setpriority(int which, int who, int niceval);

/* sys/sigaction.c */
long sys_kill(int pid, int sig);
long sys_pause(void);
long sys_rt_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact, size_t sigsetsize);
long sys_rt_sigpending(uint64_t *uset, size_t sigsetsize);
long sys_rt_sigprocmask(int how, const uint64_t *set, uint64_t *oset, size_t sigsetsize);
long sys_rt_sigqueueinfo(int pid, int sig, const siginfo_t *uinfo);
long sys_rt_sigsuspend(const uint64_t *umask, size_t sigsetsize);
long sys_rt_sigtimedwait(const uint64_t *uset, siginfo_t *uinfo, const void *uts, size_t sigsetsize);
long sys_rt_tgsigqueueinfo(int tgid, int tid, int sig, const siginfo_t *uinfo);
long sys_sigaltstack(const stack_t *uss, stack_t *uoss);
long sys_tgkill(int tgid, int tid, int sig);
long sys_tkill(int tid, int sig);

/* sys/stat.c */
long sys_access(const char *path, int mode);
long sys_faccessat(int dirfd, const char *path, int mode);
long sys_faccessat2(int dirfd, const char *path, int mode, int flags);
long sys_fstat(int fd, struct stat *buf);
long sys_lstat(const char *path, struct stat *buf);
long sys_newfstatat(int dirfd, const char *path, struct stat *buf, int flags);
long sys_stat(const char *path, struct stat *buf);
long sys_statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf);

/* sys/statfs.c */
long sys_fstatfs(int fd, struct statfs *buf);
long sys_statfs(const char *path, struct statfs *buf);

/* sys/xattr.c */
long sys_fgetxattr(int fd, const char *name, void *value, size_t size);
long sys_flistxattr(int fd, char *list_buf, size_t size);
long sys_fremovexattr(int fd, const char *name);
long sys_fsetxattr(int fd, const char *name, const void *value, size_t size, int flags);
long sys_getxattr(const char *path, const char *name, void *value, size_t size);
long sys_lgetxattr(const char *path, const char *name, void *value, size_t size);
long sys_listxattr(const char *path, char *list_buf, size_t size);
long sys_llistxattr(const char *path, char *list_buf, size_t size);
long sys_lremovexattr(const char *path, const char *name);
long sys_lsetxattr(const char *path, const char *name, const void *value, size_t size, int flags);
long sys_removexattr(const char *path, const char *name);
long sys_setxattr(const char *path, const char *name, const void *value, size_t size, int flags);

/* sys/time.c */
long sys_clock_getres(int clockid, void *res);
long sys_clock_gettime(int clockid, void *tp);
long sys_clock_nanosleep(int clockid, int flags, const void *req, void *rem);
long sys_gettimeofday(void *tv, void *tz);
long sys_nanosleep(const void *req, void *rem);
long sys_time(long *tloc);

/* sys/wait.c */
long sys_wait4(int pid, int *wstatus, int options, struct rusage *ru);
long sys_waitid(int idtype, int id, siginfo_t *info, int options, struct rusage *ru);

#endif
