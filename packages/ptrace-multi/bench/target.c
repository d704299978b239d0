// Benchmark target: 1 MiB of patterned memory; prints its address and stops itself with SIGUSR1
// (ignored), so the tracer measures reads at that signal-delivery-stop.
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>

int main(void) {
  signal(SIGUSR1, SIG_IGN);
  size_t size = 1 << 20;
  unsigned char *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (buf == MAP_FAILED) return 1;
  for (size_t i = 0; i < size; i++) buf[i] = (unsigned char)(i * 7 + 3);
  printf("%p\n", (void *)buf);
  fflush(stdout);
  raise(SIGUSR1);
  return 0;
}
