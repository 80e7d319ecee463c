/*
 * replay: runs a fuzz harness over files, without libFuzzer, so `make check`
 * replays every kept input with the plain build (cc, no clang needed).
 * usage: replay_NAME FILE... — exits 0 when every input ran; a failed
 * property aborts, a memory error crashes: either ends the run with a signal.
 */
#include "fuzz.h"

int main(int argc, char **argv)
{
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		size_t n;
		char *p = fuzz_read_file(argv[i], &n);
		if (!p) {
			fprintf(stderr, "replay: %s: cannot read\n", argv[i]);
			return 2;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)p, n);
		free(p);
	}
	return 0;
}
