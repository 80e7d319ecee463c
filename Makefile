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
endif
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude
LDLIBS   += -lcsv -lpcre2-8 -lutf8proc -lxlsxwriter -lzip -lexpat -lfreexl -lm -lpthread

LIB_SRC  := $(sort $(wildcard lib/*.c))
LIB_OBJ  := $(LIB_SRC:lib/%.c=build/lib/%.o)
CMDS     := $(sort $(patsubst cmd/%.c,bin/%,$(wildcard cmd/pb-*.c)))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
HEADERS  := $(wildcard include/pb/*.h lib/*.h)

.PHONY: all check demo bench install clean deps lint format
.SECONDARY:
all: $(CMDS)

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

build/tests/%: tests/unit/%.c lib/libpb.a $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) -Wno-missing-prototypes $(CFLAGS) $(LDFLAGS) -o $@ $< lib/libpb.a $(LDLIBS) -lcmocka

deps:
	@sh scripts/deps.sh

check: deps all $(UNIT_BIN)
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
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol)\s*\(' lib/*.c cmd/*.c include/pb/*.h \
		|| { echo "lint: banned function (use pb_buf, snprintf, strtol)"; exit 1; }

format:
	clang-format -i lib/*.c cmd/*.c include/pb/*.h tests/unit/*.c

clean:
	rm -rf build bin lib/libpb.a
