#define _GNU_SOURCE
#include "CProcessSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

struct spawn_request {
    const gt_spawn_options *options;
    pid_t pid;
    int error;
    int done;
    struct spawn_request *next;
};

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static struct spawn_request *queue_head = NULL;
static pthread_once_t spawner_once = PTHREAD_ONCE_INIT;
/* Held from fork until the child has exec'd (or failed), and by gt_write_executable while its
 * file is open for writing: a child forked meanwhile would hold that descriptor until its exec,
 * and running the file then fails with ETXTBSY. */
static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;

static void child_fail(int pipe_fd, int err) {
    ssize_t unused = write(pipe_fd, &err, sizeof(err));
    (void)unused;
    _exit(127);
}

static void run_child(const gt_spawn_options *o, int err_pipe, pid_t parent) {
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int sig = 1; sig < 32; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        signal(sig, SIG_DFL);
    }
    if (o->new_process_group && setpgid(0, 0) != 0) child_fail(err_pipe, errno);
    if (o->uid >= 0) {
        if (setgroups(0, NULL) != 0 && errno != EPERM) child_fail(err_pipe, errno);
        if (o->gid >= 0 && setgid((gid_t)o->gid) != 0) child_fail(err_pipe, errno);
        if (setuid((uid_t)o->uid) != 0) child_fail(err_pipe, errno);
    }
#ifdef __linux__
    if (o->parent_death_signal > 0) {
        if (prctl(PR_SET_PDEATHSIG, o->parent_death_signal) != 0) child_fail(err_pipe, errno);
        if (getppid() != parent) _exit(127);
    }
#endif
    int in_fd = o->stdin_fd;
    if (in_fd < 0) in_fd = open("/dev/null", O_RDONLY);
    int out_fd = o->output_fd;
    if (out_fd < 0) out_fd = open("/dev/null", O_WRONLY);
    int error_fd = o->error_fd >= 0 ? o->error_fd : out_fd;
    if (in_fd < 0 || out_fd < 0) child_fail(err_pipe, errno);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(error_fd, 2) < 0) child_fail(err_pipe, errno);
#if defined(__linux__) && defined(SYS_close_range)
    /* Every other descriptor is closed on exec; the error pipe already is. */
    syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
#endif
    if (o->cwd && chdir(o->cwd) != 0) child_fail(err_pipe, errno);
    execve(o->path, o->argv, o->envp);
    child_fail(err_pipe, errno);
}

static void do_spawn(struct spawn_request *r) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        r->error = errno;
        return;
    }
    pid_t parent = getpid();
    pthread_mutex_lock(&fork_lock);
    pid_t pid = fork();
    if (pid < 0) {
        r->error = errno;
        pthread_mutex_unlock(&fork_lock);
        close(fds[0]);
        close(fds[1]);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(r->options, fds[1], parent);
    }
    close(fds[1]);
    int child_err = 0;
    ssize_t n;
    do {
        n = read(fds[0], &child_err, sizeof(child_err));
    } while (n < 0 && errno == EINTR);
    pthread_mutex_unlock(&fork_lock);
    close(fds[0]);
    if (n == (ssize_t)sizeof(child_err)) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        r->error = child_err ? child_err : ECHILD;
        return;
    }
    r->pid = pid;
    r->error = 0;
}

static void *spawner_main(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&queue_lock);
        while (queue_head == NULL) pthread_cond_wait(&queue_cond, &queue_lock);
        struct spawn_request *r = queue_head;
        queue_head = r->next;
        pthread_mutex_unlock(&queue_lock);
        do_spawn(r);
        pthread_mutex_lock(&queue_lock);
        r->done = 1;
        pthread_cond_broadcast(&done_cond);
        pthread_mutex_unlock(&queue_lock);
    }
    return NULL;
}

static void start_spawner(void) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attr, spawner_main, NULL) != 0) abort();
    pthread_attr_destroy(&attr);
}

int gt_spawn(const gt_spawn_options *options, pid_t *pid_out) {
    pthread_once(&spawner_once, start_spawner);
    struct spawn_request r = {options, -1, 0, 0, NULL};
    pthread_mutex_lock(&queue_lock);
    struct spawn_request **tail = &queue_head;
    while (*tail) tail = &(*tail)->next;
    *tail = &r;
    pthread_cond_signal(&queue_cond);
    while (!r.done) pthread_cond_wait(&done_cond, &queue_lock);
    pthread_mutex_unlock(&queue_lock);
    if (r.error == 0) *pid_out = r.pid;
    return r.error;
}

int gt_wait_exit(pid_t pid, int *status_out) {
    int status = 0;
    pid_t r;
    do {
        r = waitpid(pid, &status, 0);
    } while (r < 0 && errno == EINTR);
    if (r < 0) return -1;
    *status_out = status;
    return 0;
}

int gt_decode_status(int status, int *value) {
    if (WIFEXITED(status)) {
        *value = WEXITSTATUS(status);
        return 1;
    }
    if (WIFSIGNALED(status)) {
        *value = WTERMSIG(status);
        return 2;
    }
    return 0;
}

unsigned long long gt_process_start_time(pid_t pid) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char buf[1024];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return 0;
    p++;
    /* After ")" come fields 3..; start time is field 22. */
    int field = 2;
    char *save = NULL;
    for (char *tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        field++;
        if (field == 22) return strtoull(tok, NULL, 10);
    }
    return 0;
}

int gt_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int gt_write_executable(const char *path, const void *bytes, size_t count, unsigned int mode) {
    pthread_mutex_lock(&fork_lock);
    int err = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        err = errno;
    } else {
        size_t written = 0;
        while (written < count) {
            ssize_t n = write(fd, (const char *)bytes + written, count - written);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) { err = n < 0 ? errno : EIO; break; }
            written += (size_t)n;
        }
        if (err == 0 && fchmod(fd, (mode_t)mode) != 0) err = errno;
        if (close(fd) != 0 && err == 0) err = errno;
    }
    pthread_mutex_unlock(&fork_lock);
    return err;
}

int gt_pidfd_open(int pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
#else
    errno = ENOSYS;
    return -1;
#endif
}
