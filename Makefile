# pb — one non-recursive Makefile. `make` builds lib/libpb.a and bin/pb-*;
# `make check` runs every test; `make demo` runs the example pipeline.

CC       ?= cc
CFLAGS   ?= -O2 -g
PREFIX   ?= /usr/local
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifeq ($(CI),true)
WARN     += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS   := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
export LSAN_OPTIONS ?= suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
endif
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude
LDLIBS   += -lcsv -lpcre2-8 -lutf8proc -lxlsxwriter -lzip -lexpat -lfreexl -lcairo -lfontconfig -lm -lpthread

LIB_SRC  := $(sort $(wildcard lib/*.c))
LIB_OBJ  := $(LIB_SRC:lib/%.c=build/lib/%.o)
CMDS     := $(sort $(patsubst cmd/%.c,bin/%,$(wildcard cmd/pb-*.c)))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
HEADERS  := $(wildcard include/pb/*.h lib/*.h)

.PHONY: all check demo bench install clean deps lint format fuzz fuzz-build fuzz-regress valgrind-check
.SECONDARY:
all: $(CMDS)

# Fuzzing (tests/fuzz/README.md): libFuzzer harnesses built with clang into
# build/fuzz/ over their own sanitized archive of the library, so the normal
# build is untouched. `make check` replays every kept input through the same
# harnesses linked with the plain library (build/tests/replay_*).
FUZZ_CC      ?= clang
FUZZ_CFLAGS  ?= -O1 -g -fno-omit-frame-pointer
# pointer-overflow recovers only so tests/fuzz/ubsan.supp can hold a defect that is
# open in someone else's file; halt_on_error (tests/fuzz/fuzz.h) still stops on every other
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fsanitize-recover=pointer-overflow
FUZZ_SECONDS ?= 60
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BIN     := $(FUZZ_NAMES:%=build/fuzz/fuzz_%)
FUZZ_LIB_OBJ := $(LIB_SRC:lib/%.c=build/fuzz/lib/%.o)
REPLAY_BIN   := $(FUZZ_NAMES:%=build/tests/replay_%)

build/lib/%.o: lib/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

build/cmd/%.o: cmd/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

lib/libpb.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

bin/pb-%: build/cmd/pb-%.o lib/libpb.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< lib/libpb.a $(LDLIBS)

build/tests/%: tests/unit/%.c lib/libpb.a $(HEADERS) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) -Wno-missing-prototypes $(CFLAGS) $(LDFLAGS) -o $@ $< lib/libpb.a $(LDLIBS) -lcmocka

build/fuzz/lib/%.o: lib/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(WARN) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/libpb.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h build/fuzz/libpb.a
	$(FUZZ_CC) $(CPPFLAGS) -DPB_LIBFUZZER $(WARN) $(FUZZ_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< build/fuzz/libpb.a $(LDLIBS) -lpthread

build/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h lib/libpb.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ tests/fuzz/replay.c $< lib/libpb.a $(LDLIBS) -lpthread

fuzz-build: $(FUZZ_BIN)

# FUZZ_SECONDS per harness (niced, one at a time); FUZZ_TARGETS="tsv input" picks some;
# FUZZ_SEED=N fixes the random seed (CI);
# FUZZ_KEEP=1 merges new inputs into tests/fuzz/corpus/. Fails on a crash.
fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=$(FUZZ_SEED) FUZZ_TARGETS="$(or $(FUZZ_TARGETS),$(FUZZ_NAMES))" sh tests/fuzz/run.sh

# every kept crash input and seed through the sanitized libFuzzer builds
fuzz-regress: fuzz-build
	@FUZZ_TARGETS="$(or $(FUZZ_TARGETS),$(FUZZ_NAMES))" FUZZ_REPLAY_ONLY=1 sh tests/fuzz/run.sh

# the unit tests and every command of the golden cases under valgrind (tests/run.sh)
valgrind-check: deps all $(UNIT_BIN)
	@VALGRIND=1 bash tests/run.sh

deps:
	@sh scripts/deps.sh

check: deps all $(UNIT_BIN) $(REPLAY_BIN)
	@bash tests/run.sh

demo: deps all
	@sh examples/demo.sh

# the benchmark's own programs (generator, libcsv floor, timer): built here, not by `all`
BENCH_BIN := build/bench/gen build/bench/csvparse build/bench/runstat
build/bench/%: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ $< $(if $(filter %/csvparse,$@),-lcsv)

bench: deps all $(BENCH_BIN)
	@bash scripts/bench.sh

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the commands, their man
# pages, and bash completion (one file, installed under each command's name so
# bash-completion finds it when that command is typed)
BASH_COMPLETIONS ?= $(PREFIX)/share/bash-completion/completions
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man7 $(DESTDIR)$(BASH_COMPLETIONS)
	install -m 755 $(CMDS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(PREFIX)/share/man/man7
	for c in $(notdir $(CMDS)); do install -m 644 completions/pb $(DESTDIR)$(BASH_COMPLETIONS)/$$c || exit 1; done

lint:
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol)\s*\(' lib/*.c cmd/*.c include/pb/*.h tests/fuzz/*.c tests/fuzz/*.h \
		|| { echo "lint: banned function (use pb_buf, snprintf, strtol)"; exit 1; }

format:
	clang-format -i lib/*.c cmd/*.c include/pb/*.h tests/unit/*.c tests/fuzz/*.c tests/fuzz/*.h

clean:
	rm -rf build bin lib/libpb.a
