// Runs a command and prints its wall time and peak resident memory (from wait4's rusage), so
// the benchmark needs nothing beyond what it builds. Usage: measure CMD ARGS...
// Prints "<seconds> <peak_rss_kib> <exit_code> <cpu_seconds>" on stdout (CPU = user + system); the
// command's own output goes to /dev/null (reports can be large).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: measure CMD ARGS...\n");
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf("%.4f %ld %d %.4f\n", secs, usage.ru_maxrss,
              WIFEXITED(status) ? WEXITSTATUS(status) : -1, cpu);
  return 0;
}
