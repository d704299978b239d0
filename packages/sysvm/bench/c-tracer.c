// The C baseline for the sysvm benchmark: a PTRACE_SYSCALL tracer that stops at every syscall
// entry and exit and reads PTRACE_GET_SYSCALL_INFO at each (what a minimal syscall
// virtualizer must do). With "raw" as first argument it skips GET_SYSCALL_INFO.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int raw = argc > 1 && strcmp(argv[1], "raw") == 0;
  char **prog = argv + 1 + raw;
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t pid = fork();
  if (pid == 0) {
    raise(SIGSTOP);
    execv(prog[0], prog);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, WUNTRACED);
  ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC);
  kill(pid, SIGCONT);
  long stops = 0, entries = 0;
  struct __ptrace_syscall_info info;
  for (;;) {
    if (waitpid(-1, &st, __WALL) < 0) break;
    if (WIFEXITED(st) || WIFSIGNALED(st)) break;
    stops++;
    int sig = 0;
    if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
      if (!raw) {
        ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info);
        if (info.op == PTRACE_SYSCALL_INFO_ENTRY) entries++;
      }
    } else if ((st >> 16) == 0 && WSTOPSIG(st) != SIGCONT && WSTOPSIG(st) != SIGSTOP) {
      sig = WSTOPSIG(st);
    }
    ptrace(PTRACE_SYSCALL, pid, 0, sig);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
  printf("{\"stops\":%ld,\"entries\":%ld,\"ms\":%.3f}\n", stops, entries, ms);
  return 0;
}
