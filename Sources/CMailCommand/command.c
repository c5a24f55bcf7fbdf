// Every libc call of `policyc send`'s command: staging its message, starting it, waiting for it,
// stopping it. In C because the children run between fork and exec, where only async-signal-safe
// calls are safe in a copy of a multithreaded process (no allocation, no Swift runtime), and because
// prctl is variadic, which Swift cannot call.
//
// The process tree: policyc -> keeper (a fork of policyc, leader of a new process group, running only
// the code below) -> /bin/sh -c COMMAND -> whatever the command starts. Killing the group stops all
// of them; the keeper kills the group when policyc dies.
#define _GNU_SOURCE
#include "CMailCommand.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

extern char **environ;

int policyc_stage_file(const char *path, const void *bytes, size_t count) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return errno;
    const char *cursor = bytes;
    while (count > 0) {
        ssize_t written = write(fd, cursor, count);
        if (written < 0) {
            if (errno == EINTR) continue;
            int failure = errno;
            close(fd);
            return failure;
        }
        cursor += written;
        count -= (size_t)written;
    }
    // The command is handed this file only once it is whole and on disk.
    if (fsync(fd) != 0) {
        int failure = errno;
        close(fd);
        return failure;
    }
    return close(fd) == 0 ? 0 : errno;
}

// The keeper's answer to policyc's death (its parent-death signal): kill the whole group, itself
// included. kill is async-signal-safe.
static void end_group(int signal_number) {
    (void)signal_number;
    kill(0, SIGKILL);
}

// Between fork and exec: only async-signal-safe calls.
static void exec_shell(char *const argv[]) {
    // policyc ignores SIGPIPE, and an ignored signal stays ignored across exec.
    struct sigaction plain = {.sa_handler = SIG_DFL};
    sigaction(SIGPIPE, &plain, NULL);
    sigaction(SIGTERM, &plain, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve("/bin/sh", argv, environ);
    _exit(127);
}

// Moves a descriptor above the standard three: policyc started with one of them closed would get it
// back from open, and dup2 onto itself would leave it close-on-exec.
static int above_standard(int fd) {
    if (fd < 0 || fd > 2) return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int failure = errno;
    close(fd);
    errno = failure;
    return moved;
}

pid_t policyc_command_start(const char *command, const char *input_path, const char *error_path, int *error_number) {
    // Opened before fork, so a failure is reported here rather than as the command's exit status.
    int input = above_standard(open(input_path, O_RDONLY | O_CLOEXEC));
    if (input < 0) {
        *error_number = errno;
        return -1;
    }
    int errors = above_standard(open(error_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (errors < 0) {
        *error_number = errno;
        close(input);
        return -1;
    }
    char *const argv[] = {"sh", "-c", (char *)command, NULL};
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        // The keeper: leader of a process group of its own, so that a timeout, or policyc's death,
        // stops everything the shell started, not the shell alone (`sleep 3; cat` would outlive it).
        setpgid(0, 0);
        int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (dup2(input, 0) < 0 || devnull < 0 || dup2(devnull, 1) < 0 || dup2(errors, 2) < 0) _exit(127);
        // Nothing of policyc's stays open here: not the ledger lock, which would outlive policyc.
        long closed = -1;
#ifdef SYS_close_range
        closed = syscall(SYS_close_range, 3U, ~0U, 0U);
#endif
        if (closed != 0) {
            for (int fd = 3; fd < 4096; fd++) close(fd);
        }
#ifdef __linux__
        struct sigaction ending = {.sa_handler = end_group};
        sigaction(SIGTERM, &ending, NULL);
        sigset_t only_term;
        sigemptyset(&only_term);
        sigaddset(&only_term, SIGTERM);
        sigprocmask(SIG_UNBLOCK, &only_term, NULL);
        // The signal comes when policyc's thread ends, however it ends. policyc may have died before
        // this call: then the keeper is no longer its child.
        if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent) end_group(0);
#endif
        pid_t shell = fork();
        if (shell == 0) exec_shell(argv);
        if (shell < 0) _exit(127);
        int status = 0;
        while (waitpid(shell, &status, 0) < 0) {
            if (errno != EINTR) _exit(127);
        }
        if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
        // Ended by a signal: end the same way, so policyc sees what the shell saw.
        struct sigaction plain = {.sa_handler = SIG_DFL};
        sigaction(WTERMSIG(status), &plain, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        kill(getpid(), WTERMSIG(status));
        _exit(128 + WTERMSIG(status));
    }
    int failure = errno;
    close(input);
    close(errors);
    if (pid < 0) {
        *error_number = failure;
        return -1;
    }
    // Both sides set the group: whichever runs first, the group exists before anyone signals it.
    setpgid(pid, pid);
    return pid;
}

static long long now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static policyc_command_end reap(pid_t pid, int options, int *code) {
    int status = 0;
    pid_t done;
    do {
        done = waitpid(pid, &status, options);
    } while (done < 0 && errno == EINTR);
    if (done == 0) return policyc_command_running;
    if (done < 0) return policyc_command_lost;
    if (WIFEXITED(status)) {
        *code = WEXITSTATUS(status);
        return policyc_command_exited;
    }
    *code = WTERMSIG(status);
    return policyc_command_signalled;
}

policyc_command_end policyc_command_wait(pid_t pid, long long timeout_ms, int *code) {
    long long deadline = now_ms() + timeout_ms;
#ifdef SYS_pidfd_open
    // A pidfd turns readable when the process ends: no polling loop, no SIGCHLD handler.
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) {
        struct pollfd ended = {.fd = fd, .events = POLLIN};
        for (;;) {
            long long left = deadline - now_ms();
            int ready = poll(&ended, 1, left > 0 ? (int)(left > INT32_MAX ? INT32_MAX : left) : 0);
            if (ready < 0 && errno == EINTR) continue;
            if (ready != 0 || left <= 0) break;
        }
        close(fd);
        return reap(pid, WNOHANG, code);
    }
#endif
    // Older kernels: look every few milliseconds.
    for (;;) {
        policyc_command_end end = reap(pid, WNOHANG, code);
        if (end != policyc_command_running || now_ms() >= deadline) return end;
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 2000000};
        nanosleep(&pause, NULL);
    }
}

void policyc_command_kill_group(pid_t pid) {
    kill(-pid, SIGKILL);
    int code = 0;
    reap(pid, 0, &code);
}

const char *policyc_error_text(int error_number) { return strerror(error_number); }
