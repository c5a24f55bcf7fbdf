#ifndef POLICYC_MAIL_COMMAND_H
#define POLICYC_MAIL_COMMAND_H

#include <stddef.h>
#include <sys/types.h>

/// Writes `count` bytes to a new file at `path` (mode 0600: a message holds personal data) and
/// fsyncs it. 0, or the errno of the failure.
int policyc_stage_file(const char *path, const void *bytes, size_t count);

/// Starts `/bin/sh -c command` in a process group of its own, its standard input the file at
/// `input_path` (read-only), its standard output /dev/null, its standard error the file at
/// `error_path` (truncated). On Linux the whole group is killed when this thread ends. The pid of
/// the group's leader, which ends as the shell ends, or -1 with `*error_number` set.
pid_t policyc_command_start(const char *command, const char *input_path, const char *error_path, int *error_number);

/// How a command ended.
typedef enum {
    policyc_command_running = 0,
    policyc_command_exited = 1,
    policyc_command_signalled = 2,
    policyc_command_lost = 3,
} policyc_command_end;

/// Waits up to `timeout_ms` for the command to end and reaps it. `*code` is its exit status or the
/// signal that ended it; `running` when the time ran out (the command is left running).
policyc_command_end policyc_command_wait(pid_t pid, long long timeout_ms, int *code);

/// Kills the command's whole process group (what `sh -c` started too) and reaps the command.
void policyc_command_kill_group(pid_t pid);

/// The text of an errno value.
const char *policyc_error_text(int error_number);

#endif
