// The floor of proxy mode's data path, in C: a tracer that serves a program's reads of one fd
// from its own file, as umview-lite's proxy does for a file opened through /unreal, with the
// least work the kernel allows: per read, one seccomp stop (only read(0, ...) is trapped), one
// pread in the tracer, one process_vm_writev into the tracee, GETREGS + SETREGS to skip the
// call with the result, CONT. What this costs over native is the price of serving data through
// a ptrace tracer on this machine, whatever language the tracer is in.
//   proxy-floor FILE PROGRAM [ARGS...]   runs PROGRAM with its stdin served from FILE
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "floor-tracer.h"


// read(0, ...) stops the tracee; everything else runs.
static void install_filter(void) {
  struct sock_filter code[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_read, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  set_filter(code, sizeof code / sizeof code[0]);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: proxy-floor FILE PROGRAM [ARGS...]\n");
    return 2;
  }
  int file = open(argv[1], O_RDONLY);
  if (file < 0) die(argv[1]);
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    // The placeholder, as in proxy mode: /dev/null where the served file would be.
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) < 0) die("/dev/null");
    close(null);
    close(file);
    if (ptrace(PTRACE_TRACEME, 0, 0, 0)) die("PTRACE_TRACEME");
    raise(SIGSTOP);
    install_filter();
    execvp(argv[2], argv + 2);
    die(argv[2]);
  }
  int status;
  if (waitpid(child, &status, 0) < 0 || !WIFSTOPPED(status)) die("waitpid");
  if (ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC)) die("PTRACE_SETOPTIONS");
  static char buffer[16 << 20];
  off_t offset = 0;
  int signal = 0;
  for (;;) {
    if (ptrace(PTRACE_CONT, child, 0, signal)) die("PTRACE_CONT");
    signal = 0;
    if (waitpid(child, &status, __WALL) < 0) die("waitpid");
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
      struct user_regs_struct regs;
      if (ptrace(PTRACE_GETREGS, child, 0, &regs)) die("PTRACE_GETREGS");
      size_t want = regs.rdx < sizeof buffer ? regs.rdx : sizeof buffer;
      ssize_t got = pread(file, buffer, want, offset);
      if (got > 0) {
        struct iovec local = { buffer, (size_t)got }, remote = { (void *)regs.rsi, (size_t)got };
        got = process_vm_writev(child, &local, 1, &remote, 1, 0);
        if (got > 0) offset += got;
      }
      regs.orig_rax = -1; // skip the call...
      regs.rax = got < 0 ? -errno : got; // ...with the tracer's result
      if (ptrace(PTRACE_SETREGS, child, 0, &regs)) die("PTRACE_SETREGS");
    } else if (WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP) {
      signal = WSTOPSIG(status);
    }
  }
}
