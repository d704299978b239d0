// Probe: can a tracer arm an x86 debug register in its tracee, and does the watchpoint fire?
// Some hypervisors give the guest none; some take the writes to DR0 and DR7 (and read them back)
// but never raise the debug exception (gdb's `watch` then lets the program run to its end). The
// child stops itself under PTRACE_TRACEME; the parent writes DR0 (an address) and DR7 (local
// enable of DR0, write, 1 byte), reads DR7 back and lets the child write to the address: the
// child must stop with SIGTRAP and DR6's B0 set. Exits 0 (yes), 1 (DR7 does not take the
// watchpoint), 3 (armed, but the write does not stop the child), 2 (the probe itself failed).
#include <stddef.h>
#include <sys/user.h>
#include "stopped-child.h"

static volatile long watched;

static void write_watched(void) {
  watched = 1; // the access the armed DR0 should trap
}

int main(void) {
  pid_t child = stopped_child(write_watched);
  if (child < 0) return 2;
  size_t dr = offsetof(struct user, u_debugreg);
  const unsigned long dr7 = 1ul | (1ul << 16); // L0, R/W0 = 01 (write), LEN0 = 00 (1 byte)
  int armed = ptrace(PTRACE_POKEUSER, child, (void *)dr, (void *)&watched) == 0 &&
              ptrace(PTRACE_POKEUSER, child, (void *)(dr + 7 * sizeof(long)), (void *)dr7) == 0 &&
              (unsigned long)ptrace(PTRACE_PEEKUSER, child, (void *)(dr + 7 * sizeof(long)), 0) == dr7;
  if (!armed) return end_child(child, 1);
  if (ptrace(PTRACE_CONT, child, 0, 0) != 0) return end_child(child, 2);
  int status;
  if (waitpid(child, &status, 0) != child) return end_child(child, 2);
  if (!WIFSTOPPED(status)) return WIFEXITED(status) ? 3 : 2; // it ran past the write: gone already
  unsigned long dr6 = (unsigned long)ptrace(PTRACE_PEEKUSER, child, (void *)(dr + 6 * sizeof(long)), 0);
  return end_child(child, WSTOPSIG(status) == SIGTRAP && (dr6 & 1) ? 0 : 3);
}
