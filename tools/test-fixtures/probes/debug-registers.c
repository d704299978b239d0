// Probe: can a tracer arm an x86 debug register in its tracee? Some hypervisors give the guest
// none. The child stops itself under PTRACE_TRACEME; the parent writes DR0 (an address) and
// DR7 (local enable of DR0, write, 1 byte) and reads DR7 back. Exits 0 (yes), 1 (no), 2 (the
// probe itself failed).
#include <stddef.h>
#include <sys/user.h>
#include "stopped-child.h"

static volatile long watched;

int main(void) {
  pid_t child = stopped_child();
  if (child < 0) return 2;
  size_t dr = offsetof(struct user, u_debugreg);
  const unsigned long dr7 = 1ul | (1ul << 16); // L0, R/W0 = 01 (write), LEN0 = 00 (1 byte)
  int ok = ptrace(PTRACE_POKEUSER, child, (void *)dr, (void *)&watched) == 0 &&
           ptrace(PTRACE_POKEUSER, child, (void *)(dr + 7 * sizeof(long)), (void *)dr7) == 0 &&
           (unsigned long)ptrace(PTRACE_PEEKUSER, child, (void *)(dr + 7 * sizeof(long)), 0) == dr7;
  end_child(child);
  return ok ? 0 : 1;
}
