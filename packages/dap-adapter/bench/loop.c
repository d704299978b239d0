/* The benchmark's debuggee: a loop around a call, with the breakpoint on the call's line. */
#include <stdio.h>

static int work(int i) {
  int r = i * 3;
  return r + 1;
}

int main(void) {
  long total = 0;
  for (int i = 0; i < 100000; i++) {
    total += work(i); /* breakpoint */
    total ^= i;
  }
  printf("%ld\n", total);
  return 0;
}
