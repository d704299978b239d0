/* dap-adapter bench: a first stop whose stack runs through libc (a qsort callback), so that
 * naming its frames reads libc's symbols and separate debug information, cold. */
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *a, const void *b) {
  int left = *(const int *)a, right = *(const int *)b;
  return (left > right) - (left < right); /* breakpoint */
}

int main(void) {
  int values[] = { 5, 3, 9, 1, 7, 2 };
  qsort(values, sizeof values / sizeof values[0], sizeof values[0], compare);
  printf("%d %d\n", values[0], values[5]);
  return 0;
}
