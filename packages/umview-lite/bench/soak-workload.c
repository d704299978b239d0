// The soak workload: forever, a round of virtualized calls through DIR (a path under /unreal):
// open (create), write 4 KiB, pread it back, fstat, dup + close, stat, rename, unlink, getcwd;
// every 128 rounds a forked child does 8 rounds; every 512 rounds a vfork + exec of TRUE (a
// path under /unreal too). Writes one line on stdout per 256 rounds (a real fd: not traced).
//   soak-workload DIR TRUE
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char buffer[4096];

static int round_trip(const char *dir, long n) {
  char path[4096], renamed[4096], cwd[4096];
  snprintf(path, sizeof path, "%s/s-%d-%ld", dir, (int)getpid(), n & 15);
  snprintf(renamed, sizeof renamed, "%s.r", path);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return 1;
  int bad = write(fd, buffer, sizeof buffer) != (ssize_t)sizeof buffer;
  bad |= pread(fd, buffer, sizeof buffer, 0) != (ssize_t)sizeof buffer;
  struct stat st;
  bad |= fstat(fd, &st) != 0 || st.st_size != (off_t)sizeof buffer;
  int copy = dup(fd);
  bad |= copy < 0;
  close(copy);
  close(fd);
  bad |= stat(path, &st) != 0;
  bad |= rename(path, renamed) != 0;
  bad |= unlink(renamed) != 0;
  bad |= getcwd(cwd, sizeof cwd) == NULL;
  return bad;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  memset(buffer, 's', sizeof buffer);
  for (long n = 1;; n++) {
    if (round_trip(argv[1], n)) return 1;
    if (n % 128 == 0) {
      pid_t child = fork();
      if (child == 0) {
        for (int i = 0; i < 8; i++)
          if (round_trip(argv[1], -i)) _exit(1);
        _exit(0);
      }
      int status;
      if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    }
    if (n % 512 == 0) {
      pid_t child = vfork();
      if (child == 0) {
        execl(argv[2], "true", (char *)NULL);
        _exit(127);
      }
      int status;
      if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    }
    if (n % 256 == 0 && write(1, "r\n", 2) != 2) return 1;
  }
}
