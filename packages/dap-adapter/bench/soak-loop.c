/* The soak's debuggee: a loop that never ends, around a call whose line holds the breakpoint,
 * with a few locals for the client to look at after each stop. */
#include <unistd.h>

struct point {
  int x, y;
};

static int work(int i, struct point *p) {
  int r = i * 3 + p->x;
  return r + 1;
}

int main(void) {
  long total = 0;
  struct point p = {1, 2};
  char name[16] = "soak";
  for (unsigned long i = 0;; i++) {
    total += work((int)i, &p); /* breakpoint */
    p.x = (int)(total & 0xff);
    name[0] = (char)('a' + i % 26);
  }
  return name[0];
}
