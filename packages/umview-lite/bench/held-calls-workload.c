// The held-calls bench's workload: CALLS raw getppid calls in a loop, each a stop that the
// bench's module answers (bench/held-calls.mjs); its first argument tells the module it is
// the bench's. Prints the sum of the results, so that a wrong answer shows.
//   held-calls-workload CALLS
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long calls = argc > 1 ? atol(argv[1]) : 100000;
  long sum = 0;
  for (long i = 0; i < calls; i++) sum += syscall(SYS_getppid, 4242L);
  printf("%ld\n", sum);
  return 0;
}
