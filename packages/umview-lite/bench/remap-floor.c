// The floor of remap mode, in C: a tracer that stops a process tree at the same syscalls as
// umview-lite's seccomp filter and does the least a path virtualizer must do at each stop —
// learn the call (PTRACE_GET_SYSCALL_INFO), read its path from the tracee (one
// process_vm_readv), and let it go on (PTRACE_CONT) — without ever rewriting anything. What
// this costs over native is the price of any ptrace-based path virtualizer on this machine.
// With REMAP_FLOOR_PREFIX=/unreal in its environment it also does the least a remap must do
// to a path under that prefix: the path without the prefix written below the stack and the
// red zone (one process_vm_writev) and the argument register pointed at it (one
// PTRACE_POKEUSER), nothing put back — PRoot's way with seccomp, minus its path resolution.
//   remap-floor NR:ARG[,NR:ARG...] PROGRAM [ARGS...]
// NR:ARG is a syscall number to stop and the index of its path argument (-1: none to read).
// Prints "stops N" (and "rewrites N") on stderr at the end; exits with PROGRAM's status.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "floor-tracer.h"

#define MAX_CALLS 128
static int nrs[MAX_CALLS], path_arg[512];
static int ncalls;
/** struct user offsets of the six syscall argument registers. */
static const size_t ARG_OFFSET[6] = {
  offsetof(struct user_regs_struct, rdi), offsetof(struct user_regs_struct, rsi),
  offsetof(struct user_regs_struct, rdx), offsetof(struct user_regs_struct, r10),
  offsetof(struct user_regs_struct, r8), offsetof(struct user_regs_struct, r9),
};
#define RED_ZONE 128


static void install_filter(void) {
  // arch check, then one JEQ per stopped number, then ALLOW.
  struct sock_filter code[4 + 2 * MAX_CALLS];
  int n = 0;
  code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
  code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  for (int i = 0; i < ncalls; i++) {
    code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nrs[i], 0, 1);
    code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
  }
  code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  set_filter(code, n);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: remap-floor NR:ARG[,NR:ARG...] PROGRAM [ARGS...]\n");
    return 2;
  }
  memset(path_arg, -1, sizeof path_arg);
  for (char *item = strtok(argv[1], ","); item && ncalls < MAX_CALLS; item = strtok(NULL, ",")) {
    int nr, arg;
    if (sscanf(item, "%d:%d", &nr, &arg) != 2 || nr < 0 || nr >= 512) {
      fprintf(stderr, "remap-floor: bad NR:ARG '%s'\n", item);
      return 2;
    }
    nrs[ncalls++] = nr;
    path_arg[nr] = arg;
  }
  pid_t root = fork();
  if (root < 0) die("fork");
  if (root == 0) {
    if (ptrace(PTRACE_TRACEME, 0, 0, 0)) die("PTRACE_TRACEME");
    raise(SIGSTOP);
    install_filter();
    execvp(argv[2], argv + 2);
    die(argv[2]);
  }
  int status;
  if (waitpid(root, &status, 0) < 0 || !WIFSTOPPED(status)) die("waitpid");
  long options = PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEFORK |
                 PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
  if (ptrace(PTRACE_SETOPTIONS, root, 0, options)) die("PTRACE_SETOPTIONS");
  if (ptrace(PTRACE_CONT, root, 0, 0)) die("PTRACE_CONT");
  long stops = 0, rewrites = 0;
  const char *prefix = getenv("REMAP_FLOOR_PREFIX");
  size_t prefix_length = prefix ? strlen(prefix) : 0;
  int root_status = 0;
  static char path[4096];
  struct __ptrace_syscall_info info;
  for (;;) {
    pid_t pid = waitpid(-1, &status, __WALL);
    if (pid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) break; // every tracee is gone
      die("waitpid");
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      if (pid == root) root_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      continue;
    }
    stops++;
    int sig = WSTOPSIG(status), event = status >> 16, deliver = 0;
    if (sig == SIGTRAP && event == PTRACE_EVENT_SECCOMP) {
      if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof info, &info) > 0) {
        int arg = info.seccomp.nr < 512 ? path_arg[info.seccomp.nr] : -1;
        if (arg >= 0 && info.seccomp.args[arg] != 0) {
          // Up to the end of the page the path starts in: one read, as a tracer's first try.
          unsigned long address = info.seccomp.args[arg];
          size_t length = 4096 - (address & 4095);
          struct iovec local = { path, length }, remote = { (void *)address, length };
          ssize_t got = process_vm_readv(pid, &local, 1, &remote, 1, 0);
          if (prefix_length > 0 && got == (ssize_t)length && memchr(path, 0, length) == NULL && length < sizeof path) {
            // The path goes on in the next page: the rest of it, to rewrite it whole.
            struct iovec more = { path + length, sizeof path - length }, next = { (void *)(address + length), sizeof path - length };
            ssize_t extra = process_vm_readv(pid, &more, 1, &next, 1, 0);
            if (extra > 0) got += extra;
          }
          if (prefix_length > 0 && got > 0 && memchr(path, 0, (size_t)got) != NULL && strncmp(path, prefix, prefix_length) == 0 &&
              (path[prefix_length] == '/' || path[prefix_length] == 0)) {
            const char *rest = path[prefix_length] ? path + prefix_length : "/";
            size_t size = strlen(rest) + 1;
            unsigned long at = (info.stack_pointer - RED_ZONE - size) & ~15UL;
            struct iovec from = { (void *)rest, size }, to = { (void *)at, size };
            if (process_vm_writev(pid, &from, 1, &to, 1, 0) == (ssize_t)size && ptrace(PTRACE_POKEUSER, pid, ARG_OFFSET[arg], at) == 0) rewrites++;
          }
        }
      }
    } else if (sig == SIGSTOP && event == 0) {
      // A new child's first stop, or a real SIGSTOP: this floor lets both go.
    } else if (event == 0 && sig != SIGTRAP) {
      deliver = sig;
    }
    ptrace(PTRACE_CONT, pid, 0, deliver);
  }
  fprintf(stderr, "stops %ld\n", stops);
  if (prefix_length > 0) fprintf(stderr, "rewrites %ld\n", rewrites);
  return root_status;
}
