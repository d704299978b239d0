// For the ptrace probes: a child that stops itself under PTRACE_TRACEME, and its end.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

// The pid of a child in a ptrace-stop of ours, or -1 when that could not be had. Resumed, the
// child calls `then` (when not null: what the probe watches it do) and exits.
static pid_t stopped_child(void (*then)(void)) {
  pid_t child = fork();
  if (child < 0) return -1;
  if (child == 0) {
    if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) _exit(3);
    raise(SIGSTOP);
    if (then) then();
    _exit(0);
  }
  int status;
  if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) return -1;
  return child;
}

// Kills and reaps the child; returns `result`, the probe's exit code.
static int end_child(pid_t child, int result) {
  int status;
  kill(child, SIGKILL);
  waitpid(child, &status, 0);
  return result;
}
