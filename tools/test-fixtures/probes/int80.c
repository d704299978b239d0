// Probe: a 32-bit system call (int $0x80, i386 getpid = 20) from a 64-bit process. Exits 0 when
// it returned this process's pid. Where the kernel's IA32 emulation is off (ia32_emulation=0,
// or not built in), the CPU's int $0x80 faults and the process dies of SIGSEGV.
#include <unistd.h>

int main(void) {
  long ret;
  asm volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
  return ret == (long)getpid() ? 0 : 1;
}
