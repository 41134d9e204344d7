/* bench/spawn: run one command and print "WALL_NS MAXRSS_KIB EXIT CPU_NS" on stdout.
 *
 *   spawn [-i STDIN_FILE] [-o STDOUT_FILE] -- ARGV...
 *
 * bench/run compiles it (cc -O2) and measures every run through it because
 * ru_maxrss of a child carries over from the process that forked it: a child
 * of the Python interpreter would report at least Python's own ~14 MiB. This
 * process stays around 1 MiB, and the clock brackets fork, exec and wait
 * only. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *in = NULL, *out = "/dev/null";
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "-i") == 0 && i + 1 < argc)
            in = argv[++i];
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else
            break;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: spawn [-i STDIN] [-o STDOUT] -- ARGV...\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        int fd = open(in ? in : "/dev/null", O_RDONLY);
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open("/dev/null", O_WRONLY);
        if (fd < 0 || fo < 0 || fe < 0)
            _exit(126);
        dup2(fd, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        execvp(argv[i], argv + i);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    long long cpu = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
                    (long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
    printf("%lld %ld %d %lld\n", ns, ru.ru_maxrss, code, cpu);
    return 0;
}
