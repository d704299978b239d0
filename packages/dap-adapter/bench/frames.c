/* The benchmark's second debuggee: a breakpoint 20 frames deep (main, 18 calls of a recursion,
 * the leaf), in a function with a dozen locals. */
#include <stdio.h>

struct point {
  int x;
  int y;
};

static long leaf(int depth) {
  int a = depth + 1;
  int b = a * 2;
  int c = b + 3;
  long d = (long)c * 1000;
  double e = d / 7.0;
  float f = (float)e;
  char g = 'g';
  unsigned h = 42u;
  struct point p = { a, b };
  int arr[4] = { a, b, c, 4 };
  const char *s = "dozen";
  long sum = a + b + c + d + (long)e + (long)f + g + h + p.x + arr[3] + s[0];
  return sum; /* locals */
}

static long descend(int depth) {
  if (depth == 0) return leaf(depth);
  return descend(depth - 1) + 1;
}

int main(void) {
  long total = 0;
  for (int i = 0; i < 100000; i++) total += descend(17);
  printf("%ld\n", total);
  return 0;
}
