/* The picoprocess as a host process: how picovm splits into the caller's
 * process and the monitor (launcher.c), the application's pids (pidns.c),
 * children (children.c), fork by snapshot (fork.c), the boot-info page
 * (boot_page.c) and the end (exit.c). */
#ifndef PICOVM_MONITOR_PROC_H
#define PICOVM_MONITOR_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "config/manifest.h"

struct vm;
struct vcpu;
struct hc_slot;

/* Splits picovm into the process its caller waits for and the monitor; the
 * caller's process never returns from here. */
void launcher_split(bool stats);
/* Ends the monitor with the program's status, handing it to the caller first. */
__attribute__((noreturn)) void monitor_exit(int status);
/* Ends it as the program ended, killed by sig: a parent monitor's waitpid()
 * then sees exactly what a Linux parent would. */
__attribute__((noreturn)) void monitor_die_by_signal(int sig);
/* In a forked monitor: the caller waits for the first monitor only. */
void launcher_detach(void);
bool launcher_is_first(void);   /* the monitor of the program the user started */

int pidns_init(int max_processes, int first_pid);
/* A thread's id: a number no process or thread of the application has had. */
int pidns_new_tid(void);
int pidns_alloc(void);              /* application pid, or -EAGAIN past sys.max_processes */
void pidns_release(void);
/* This monitor runs app_pid (at start, and in a forked monitor). */
void pidns_enter(int app_pid);
/* Every other monitor of the application is killed (SIGKILL): async-signal-safe. */
void pidns_kill_others(void);
/* The application pid the monitor host_pid runs, or 0. */
int pidns_app_pid(int host_pid);
/* 'S' while the monitor of app_pid waits for an event for its guest, 'R' else, -ESRCH. */
int pidns_state(int app_pid);

int children_add(int pid, pid_t host, int status_fd);
/* In a forked monitor: no children of its own; report to its parent
 * (the monitor process parent) on status_fd. */
void children_become_child(int status_fd, pid_t parent);
/* Hands the program's wait status to the parent monitor (a no-op in the first
 * one), with the CPU time, largest resident set and core-dump flag
 * children_note_exit was given. */
void children_report_status(int wait_status);
void children_note_exit(uint64_t user_ns, uint64_t sys_ns, uint64_t maxrss_kb, bool core);
/* Registers the process calls with the PAL server: exit, fork, wait, kill. */
void proc_calls_setup(void);

/* HC_FORK and HC_EXIT, carried out by the calling vCPU's thread. */
void proc_fork(struct vcpu *vcpu, struct hc_slot *slot);
__attribute__((noreturn)) void proc_exit(struct vcpu *vcpu, struct hc_slot *slot);

/* Writes the boot-info page: -1 with a message in err when it does not fit. */
int bootinfo_write(struct vm *vm, const struct pv_config *cfg, char *const argv[], char *err, size_t errlen);

#endif
