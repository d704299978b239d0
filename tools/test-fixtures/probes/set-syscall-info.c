// Probe: does this kernel know PTRACE_SET_SYSCALL_INFO (Linux 6.16)? A child stops itself under
// PTRACE_TRACEME; a zero-size request is refused with EINVAL by a kernel that knows the request
// and with EIO by one that does not. Exits 0 (known), 1 (unknown), 2 (the probe itself failed).
#include <errno.h>
#include "stopped-child.h"

#define PTRACE_SET_SYSCALL_INFO_REQUEST 0x4212

int main(void) {
  pid_t child = stopped_child(0);
  if (child < 0) return 2;
  char info[128] = {0};
  long r = ptrace((enum __ptrace_request)PTRACE_SET_SYSCALL_INFO_REQUEST, child, 0, info);
  int known = !(r == -1 && errno == EIO);
  return end_child(child, known ? 0 : 1);
}
