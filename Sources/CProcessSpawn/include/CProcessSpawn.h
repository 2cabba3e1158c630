#ifndef C_PROCESS_SPAWN_H
#define C_PROCESS_SPAWN_H

#include <sys/types.h>

/// Options for `gt_spawn`. Pointers must stay valid for the duration of the call.
typedef struct gt_spawn_options {
    const char *path;            /* executable path (absolute, or resolved by the caller) */
    char *const *argv;           /* NULL-terminated */
    char *const *envp;           /* NULL-terminated */
    const char *cwd;             /* NULL: inherit */
    int stdin_fd;                /* -1: /dev/null */
    int output_fd;               /* stdout (and stderr unless error_fd is set); -1: /dev/null */
    int error_fd;                /* stderr; -1: same as output_fd */
    int new_process_group;       /* 1: setpgid(0, 0) in the child */
    int parent_death_signal;     /* 0: none; else prctl(PR_SET_PDEATHSIG) on Linux */
    int uid;                     /* -1: keep; else setgid(gid)/setuid(uid) before exec */
    int gid;
} gt_spawn_options;

/// Forks and execs from a dedicated long-lived thread (so a parent-death signal is tied to the
/// life of the process, not of a short-lived worker thread). Returns 0 and the child's pid, or
/// an errno value describing why the child could not be started (exec failures included).
int gt_spawn(const gt_spawn_options *options, pid_t *pid_out);

/// Blocking waitpid that retries on EINTR. Returns the raw wait status, or -1 with errno set.
int gt_wait_exit(pid_t pid, int *status_out);

/// Decodes a raw wait status: returns 1 if the process exited (code in *value), 2 if it was
/// killed by a signal (signal in *value), 0 otherwise.
int gt_decode_status(int status, int *value);

/// Process start time (clock ticks since boot, field 22 of /proc/<pid>/stat), or 0 if unknown.
unsigned long long gt_process_start_time(pid_t pid);



/// pipe2(fds, O_CLOEXEC). Returns 0 or -1 with errno set.
int gt_pipe_cloexec(int fds[2]);

/// Writes a file that will be executed (mode `mode`), with no process forked by `gt_spawn`
/// meanwhile, so no child inherits the descriptor open for writing. Returns 0 or an errno.
int gt_write_executable(const char *path, const void *bytes, size_t count, unsigned int mode);

/// A pidfd for `pid` (readable once the process ends; close it), or -1 with errno set (the
/// process is gone, or the kernel has no pidfd_open).
int gt_pidfd_open(int pid);

#endif
