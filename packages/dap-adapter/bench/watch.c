/* The data breakpoint benchmark's debuggee: a local written at every turn of a loop; the
 * session watches it and times continue -> stopped(data breakpoint). */
#include <stdio.h>

int main(void) {
  long total = 0; /* breakpoint */
  for (long i = 1; i < 1000000; i++) {
    total += i; /* watched write */
  }
  printf("%ld\n", total);
  return 0;
}
