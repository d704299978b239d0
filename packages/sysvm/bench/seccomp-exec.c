// Runs a program under a seccomp filter read from a file, with no tracer: the floor of what a
// filter costs. Every SECCOMP_RET_TRACE in the program becomes RET_ALLOW (with no tracer,
// RET_TRACE would fail the call), so the filter has the same shape and cost as sysvm's.
//   seccomp-exec FILTER.bin PROGRAM [ARGS...]
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  static struct sock_filter prog[4096];
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 3;
  size_t n = fread(prog, sizeof prog[0], 4096, f);
  fclose(f);
  for (size_t i = 0; i < n; i++)
    if ((prog[i].code & 0x07) == BPF_RET && (prog[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE) prog[i].k = SECCOMP_RET_ALLOW;
  struct sock_fprog fp = { (unsigned short)n, prog };
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, &fp)) {
    perror("seccomp");
    return 4;
  }
  execv(argv[2], argv + 2);
  perror("execv");
  return 127;
}
