/* bench/runstat: runs a command and appends "SECONDS MAX_RSS_KIB EXIT" to a file: the
 * wall time (CLOCK_MONOTONIC) and the peak resident memory of the command and of the
 * processes it waited for (wait4's rusage: for `sh -c 'a | b'`, the largest of them,
 * not their sum). The command's own stdin, stdout and stderr are left alone.
 * Usage: runstat STATFILE COMMAND [ARG...] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fputs("usage: runstat STATFILE COMMAND [ARG...]\n", stderr);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("runstat: wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	out = fopen(argv[1], "a");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	fprintf(out, "%.3f %ld %d\n",
	        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	        ru.ru_maxrss, status);
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 2;
	}
	return status;
}
