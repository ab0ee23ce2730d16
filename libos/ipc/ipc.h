/* IPC between the library OS instances of one application: each picoprocess
 * listens on vsock port IPC_PORT of its CID (pid + 2), and they exchange
 * framed messages (wire.h) over vsock streams made on first use.
 * The first picoprocess (pid 2, or 1: init.c) is the namespace leader: it keeps the table of every process
 * (ids, state, names for /proc) that the others keep current and ask.
 *
 * What happens around PAL calls is done by a PAL table stacked over the real
 * one once IPC starts (life.c): every wait of the library OS
 * (stream_poll, sleep_ns, process_wait) also serves incoming messages, a
 * fork registers the child with the leader and gives the child fresh
 * connections, an exit tells the leader.  The Linux calls that reach other
 * processes call the functions below.
 *
 * Before a second process exists nothing runs: the leader starts listening
 * at its first fork (the device setup costs about a millisecond), and every
 * function below then answers for this process alone. */
#ifndef PICOVM_IPC_H
#define PICOVM_IPC_H

#include "libos.h"

#define IPC_PORT 1

/* At start (libos_main), once proc is set: stacks the PAL table; a process
 * that is not the leader starts listening and registers at once. */
void ipc_init(void);
/* A program was loaded (start and execve): sp is its initial stack
 * (argc, argv...), whose strings are its /proc cmdline. */
void ipc_exec(uint64_t sp);
/* On the way back to the program (the end of a system call, an upcall that
 * stopped the program): collects children that ended (SIGCHLD), and takes
 * in what other processes sent, at most every IPC_POLL_PERIOD_NS for new
 * streams (a look costs a PAL call). */
void ipc_safe_point(void);
/* From the upcall handler, at any time: `ended` children ended; the next
 * safe point or wait collects them. */
void ipc_children_note_async(uint64_t ended);
/* From the upcall handler: vsock streams have news for a program that was
 * running its own code; the next safe point takes them in. */
void ipc_streams_note_async(void);

/* The program's wait for child pid (-1: any), or for any child in process
 * group pgid when pgid > 0; options: Linux's WNOHANG, WEXITED (children
 * that ended), WUNTRACED (that stopped), WCONTINUED (that went on),
 * WNOWAIT (the status stays, for the next wait).
 * -> the child's pid with its wait status, 0 (WNOHANG), -ECHILD, -EINTR. */
long ipc_wait_child(long pid, int pgid, int options, int *status);
/* The program's wait on a host futex: messages that come meanwhile are
 * served (a waiting process still answers the others), and only a signal
 * for the program ends it early (-EINTR). */
long ipc_futex_wait(uint32_t *uaddr, uint32_t val, int64_t timeout_ns);
/* The first process's program has ended: as a host's processes outlive the
 * shell that started them, the application goes on until its last process
 * ends.  The first process stays the leader meanwhile, answering the others
 * and reaping its children and the orphans (the init's, or its own as pid
 * 1); a signal that would end a process (from the host: ^C, kill) ends the
 * wait, and with the first process the others, as before. */
void ipc_linger(void);
/* A stop signal or SIGCONT took effect here: our parent is told
 * (code: CLD_STOPPED or CLD_CONTINUED). */
void ipc_tell_parent_job(int code, int sig);
/* Our entry at the leader shows us stopped, or not (/proc's state T). */
void ipc_set_stopped(bool now);

/* kill(2) towards others: pid > 0 another process, 0 our group, < -1 the
 * group -pid (this process left out of groups: the caller signals itself),
 * -1 every process but 1 and the caller.  -> 0 if at least one process was
 * there, -ESRCH, -EINVAL for a bad sig towards processes that exist. */
long ipc_kill(int pid, int sig);

/* Process groups: setpgid of another process (our child), and this
 * process's own ids changed (setpgid, setsid): the leader is told. */
long ipc_setpgid(int pid, int pgid);
void ipc_ids_changed(void);
/* prctl(PR_SET_NAME) changed our name: the leader is told, unanswered. */
void ipc_renamed(void);
/* getpgid and getsid of another process: its id, or -ESRCH. */
long ipc_getpgid(int pid);
long ipc_getsid(int pid);
/* Is there a process group pgid in session sid (setpgid's check)? */
bool ipc_group_exists(int pgid, int sid);

/* /proc: the pids that exist (this one included), ascending: how many
 * there are (up to max stored), at least 1. */
int ipc_pids(int *pids, int max);
/* Does pid exist (a zombie does)? */
bool ipc_pid_exists(int pid);
/* How many processes the application has (zombies too), at least 1; the
 * highest of their pids in *last_pid unless NULL. */
int ipc_nprocs(int *last_pid);
/* The text of /proc/<pid>/stat, status, comm or cmdline in a new heap buffer
 * (*len its length): 0, -ESRCH or -ENOMEM. */
enum ipc_proc_file { IPC_PROC_STAT, IPC_PROC_STATUS, IPC_PROC_CMDLINE, IPC_PROC_COMM };
long ipc_proc_text(int pid, enum ipc_proc_file which, char **text, size_t *len);

#endif
