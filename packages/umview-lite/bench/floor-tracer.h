// What the floor benches' minimal C tracers share: dying on a failed call, and putting a seccomp
// filter in place in the child before it execs (no_new_privs, no SSBD forced on it: as sysvm).
#ifndef FLOOR_TRACER_H
#define FLOOR_TRACER_H
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what) {
  perror(what);
  exit(2);
}

static void set_filter(struct sock_filter *code, unsigned short length) {
  struct sock_fprog prog = { .len = length, .filter = code };
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) die("prctl");
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_SPEC_ALLOW, &prog)) die("seccomp");
}
#endif
