/*
 * fuzz.h: what pb's fuzz harnesses share. Each harness (tests/fuzz/fuzz_*.c)
 * defines LLVMFuzzerTestOneInput; libFuzzer links it for `make fuzz`, and
 * tests/fuzz/replay.c links it with the plain library so `make check` replays
 * every kept input (tests/fuzz/regress/) without clang.
 *
 * Inputs reach the library as the commands see them: as a file (a memfd
 * named /proc/self/fd/N, reused between runs), or through a socket that
 * delivers them in packets of chosen sizes, so the readers' partial reads,
 * lines and characters cut between reads are exercised on small inputs.
 * stdout is a memfd, so a harness can read back what a command wrote.
 */
#ifndef PB_FUZZ_H
#define PB_FUZZ_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pb/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
const char *__ubsan_default_options(void);
const char *__lsan_default_suppressions(void);

/*
 * UBSan stops at the first report, even of a check built to recover (see
 * Makefile). Weak: replay.c and the harness both include this header.
 */
__attribute__((weak)) const char *__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

/*
 * Leaks LeakSanitizer does not report: FreeXL 1.0.6 (Debian libfreexl1) loses
 * 16 bytes inside freexl_open on some malformed BIFF records, with pb's
 * freexl_close called (tests/fuzz/regress/workbook/freexl-open-leak);
 * fontconfig keeps the configuration and patterns it builds on first use
 * (a chart's font) until the process ends, as tests/lsan.supp says for make
 * check. Not pb's to fix; everything else leaking fails a run.
 */
__attribute__((weak)) const char *__lsan_default_suppressions(void)
{
	return "leak:libfreexl.so\nleak:libfontconfig.so\n";
}

/* A property that must hold: print what broke (when stderr is open) and abort. */
#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz: %s:%d: check failed: %s: ", __FILE__, __LINE__,     \
			        #cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static inline void fuzz_die(const char *what)
{
	perror(what);
	abort();
}

/* A scratch folder for files a command must name (-o, --rejects). */
static char fuzz_dir[64];

static inline void fuzz_cleanup(void)
{
	static const char *const names[] = { "out",     "rejects.tsv", "out.xlsx",
		                             "in.xlsx", "in.xls",      NULL };
	char path[128];
	int i;

	for (i = 0; names[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", fuzz_dir, names[i]);
		unlink(path);
	}
	rmdir(fuzz_dir);
}

/* stdout becomes a memfd; a scratch folder; progress off. Call from LLVMFuzzerInitialize. */
#ifdef PB_LIBFUZZER
#include <sanitizer/common_interface_defs.h>

/*
 * A process forked by the library (the .xls reader's child) is not the
 * fuzzer: when FreeXL crashes there, the parent reports it as an error for
 * the file, and libFuzzer's inherited handlers must not write that input
 * down as a crash of pb's.
 */
static inline void fuzz_forked_child(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE };
	size_t i;

	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	__sanitizer_set_death_callback(NULL);
}
#endif

static inline void fuzz_setup(void)
{
	int fd = memfd_create("stdout", 0);
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

#ifdef PB_LIBFUZZER
	pthread_atfork(NULL, NULL, fuzz_forked_child);
#endif
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		fuzz_die("fuzz: stdout memfd");
	close(fd);
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/pb-fuzz-XXXXXX", base);
	if (!mkdtemp(fuzz_dir))
		fuzz_die("fuzz: scratch folder");
	atexit(fuzz_cleanup);
	pb_set_progname("pb-fuzz");
	pb_progress_set(PB_PROGRESS_OFF);
}

/* A path in the scratch folder. */
static inline const char *fuzz_path(const char *name)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ & 3];

	snprintf(p, sizeof path[0], "%s/%s", fuzz_dir, name);
	return p;
}

/* Empties the captured stdout before a run. */
static inline void fuzz_stdout_reset(void)
{
	fflush(stdout);
	clearerr(stdout);
	if (ftruncate(STDOUT_FILENO, 0) < 0 || lseek(STDOUT_FILENO, 0, SEEK_SET) < 0)
		fuzz_die("fuzz: stdout reset");
}

/* What was written to stdout since the reset: a NUL-terminated copy the caller frees. */
static inline char *fuzz_stdout_take(size_t *len)
{
	struct stat st;
	char *p;

	fflush(stdout);
	if (fstat(STDOUT_FILENO, &st) < 0)
		fuzz_die("fuzz: stdout fstat");
	p = malloc((size_t)st.st_size + 1);
	if (!p)
		fuzz_die("fuzz: malloc");
	if (st.st_size && pread(STDOUT_FILENO, p, (size_t)st.st_size, 0) != st.st_size)
		fuzz_die("fuzz: stdout pread");
	p[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return p;
}

/* Reads a whole file (a -o output): a NUL-terminated copy the caller frees, or NULL. */
static inline char *fuzz_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(p, cap + 1);
			if (!p)
				fuzz_die("fuzz: realloc");
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	p[n] = '\0';
	*len = n;
	return p;
}

/*
 * Input files: memfds created once and rewritten each run, named by a path
 * any open(2)/fopen(3) accepts. Slot k (0..7) is a separate file.
 */
static inline const char *fuzz_file(int k, const void *p, size_t n)
{
	static int fds[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	static char names[8][32];

	if (fds[k] < 0) {
		fds[k] = memfd_create("input", 0);
		if (fds[k] < 0)
			fuzz_die("fuzz: memfd_create");
		snprintf(names[k], sizeof names[k], "/proc/self/fd/%d", fds[k]);
	}
	if (ftruncate(fds[k], 0) < 0)
		fuzz_die("fuzz: ftruncate");
	if (n && pwrite(fds[k], p, n, 0) != (ssize_t)n)
		fuzz_die("fuzz: pwrite");
	return names[k];
}

static inline const char *fuzz_file_z(int k, const char *z)
{
	return fuzz_file(k, z, strlen(z));
}

/*
 * A socket that delivers bytes in packets (SOCK_SEQPACKET: each read(2)
 * returns one packet), sizes drawn from seed: the reader sees partial reads
 * at chosen places, the same every run. A thread writes; fuzz_feed_close
 * ends it even when the reader stopped early.
 */
struct fuzz_feed {
	int fd;  /* the reading end */
	int wfd; /* the writing end, the thread's */
	const uint8_t *p;
	size_t n;
	uint32_t seed;
	pthread_t thread;
};

static inline uint32_t fuzz_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

static inline void *fuzz_feed_run(void *arg)
{
	struct fuzz_feed *f = arg;
	size_t off = 0;
	uint32_t s = f->seed;
	/* mostly small packets, sometimes one that ends the input at once */
	size_t most = 1 + (f->seed & 63);

	while (off < f->n) {
		size_t k = 1 + fuzz_rand(&s) % most;
		ssize_t w;
		if ((fuzz_rand(&s) & 15) == 0)
			k = f->n - off;
		if (k > f->n - off)
			k = f->n - off;
		if (k > 65536)
			k = 65536;
		w = send(f->wfd, f->p + off, k, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break; /* the reader is gone */
		}
		off += (size_t)w;
	}
	close(f->wfd);
	return NULL;
}

static inline void fuzz_feed_open(struct fuzz_feed *f, const uint8_t *p, size_t n, uint32_t seed)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		fuzz_die("fuzz: socketpair");
	f->fd = sv[0];
	f->wfd = sv[1];
	f->p = p;
	f->n = n;
	f->seed = seed;
	if (pthread_create(&f->thread, NULL, fuzz_feed_run, f) != 0)
		fuzz_die("fuzz: pthread_create");
}

static inline void fuzz_feed_close(struct fuzz_feed *f)
{
	shutdown(f->fd, SHUT_RDWR);
	pthread_join(f->thread, NULL);
	close(f->fd);
}

/*
 * True when cond holds in a libFuzzer build: a harness skips input that
 * would only find again a defect listed in tests/fuzz/regress/OPEN, so the
 * fuzz runs go on. Replays (make check) never skip: their kept inputs show
 * the defect until it is fixed.
 */
static inline int fuzz_open(int cond)
{
#ifdef PB_LIBFUZZER
	return cond;
#else
	(void)cond;
	return 0;
#endif
}

#endif
