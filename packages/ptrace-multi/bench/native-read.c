// The native baseline: one process_vm_readv of SIZE bytes at ADDR of PID, ITERATIONS times into
// a reused (warm) buffer, as a C tracer would do it. Prints the mean time per read as JSON.
//   native-read PID ADDR SIZE ITERATIONS
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 5) { fprintf(stderr, "usage: %s PID ADDR SIZE ITERATIONS\n", argv[0]); return 2; }
  int pid = atoi(argv[1]);
  unsigned long addr = strtoul(argv[2], NULL, 0);
  size_t size = strtoul(argv[3], NULL, 0);
  int iterations = atoi(argv[4]);
  char *buf = malloc(size);
  memset(buf, 0, size);
  struct iovec local = { buf, size }, remote = { (void *)addr, size };
  if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != (ssize_t)size) { perror("process_vm_readv"); return 1; }
  double t0 = now_ns();
  for (int i = 0; i < iterations; i++) {
    if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != (ssize_t)size) { perror("process_vm_readv"); return 1; }
  }
  double elapsed = now_ns() - t0;
  printf("{\"usPerRead\":%.3f,\"check\":%d}\n", elapsed / iterations / 1e3, (unsigned char)buf[size - 1]);
  return 0;
}
