/* The benchmark's `next` over a long call: busy() runs 20 million iterations, which a debugger
 * must run over at full speed (a breakpoint where it returns), not single-step. Run with
 * "--time", it times each call itself and prints the nanoseconds, one line each: the native
 * baseline. */
#include <stdio.h>
#include <string.h>
#include <time.h>

static unsigned long busy(void) {
  unsigned long sum = 0;
  for (unsigned long i = 0; i < 20000000; i++) sum += i ^ (sum >> 3);
  return sum;
}

static long long nanoseconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1000000000LL + now.tv_nsec;
}

int main(int argc, char **argv) {
  int timed = argc > 1 && strcmp(argv[1], "--time") == 0;
  volatile unsigned long sink = 0;
  for (int round = 0; round < 5; round++) {
    long long start = nanoseconds();
    sink += busy(); /* breakpoint */
    if (timed) printf("%lld\n", nanoseconds() - start);
  }
  return (int)(sink & 1);
}
