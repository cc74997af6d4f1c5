# cvisor top-level build. `make` builds bin/cvisor (and the tools whose fragments are
# included below); `make check` runs every test suite; `make setup` installs the
# Debian packages the build and the tests need (scripts/setup.sh).
#
# Layers add their sources by living in their folder: no file lists to maintain here.
# Sub-makefiles (*.mk) of tests/ and bench/ add their own targets.

CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
           -Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
           -fno-strict-aliasing -D_GNU_SOURCE -I. -MMD -MP
UNWIND_CFLAGS := $(shell pkg-config --cflags libunwind 2>/dev/null)
CFLAGS  += $(UNWIND_CFLAGS)
LDLIBS  += -lseccomp -ljansson -lunwind -lunwind-x86_64 -lpthread

BUILD   := build
BIN     := bin

# Everything below runtime/ is the Sentry and its layers; runtime/ is the CLI.
CORE_SRCS := $(wildcard common/*.c platform/*.c platform/*/*.c vfs/*.c vfs/*/*.c \
                        netstack/*.c sentry/*.c sentry/*/*.c)
RUNTIME_SRCS := $(wildcard runtime/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/%.o)
RUNTIME_OBJS := $(RUNTIME_SRCS:%.c=$(BUILD)/%.o)

.PHONY: all setup check test unit compat integration bench clean format docs
all: $(BIN)/cvisor

setup:
	bash scripts/setup.sh

# The stub loader: a tiny static image every stub execs into before the Sentry maps the
# app's ELF (sentry/exec.c). It is embedded into bin/cvisor.
$(BUILD)/stub/loader.elf: stub/loader.S stub/loader.lds platform/stub_layout.h
	@mkdir -p $(dir $@)
	$(CC) -I. -nostdlib -static -no-pie -Wl,-T,stub/loader.lds -Wl,--build-id=none -o $@ stub/loader.S

$(BUILD)/stub/loader_blob.o: stub/loader_blob.S $(BUILD)/stub/loader.elf
	@mkdir -p $(dir $@)
	$(CC) -c -DLOADER_PATH='"$(BUILD)/stub/loader.elf"' -o $@ stub/loader_blob.S

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libcore.a: $(CORE_OBJS) $(BUILD)/stub/loader_blob.o
	@rm -f $@
	ar rcs $@ $^

# Linked from the objects, not the archive: syscall handlers are referenced weakly by the
# table (sentry/syscall_table.c), and an archive member is never pulled in by a weak ref.
$(BIN)/cvisor: $(RUNTIME_OBJS) $(CORE_OBJS) $(BUILD)/stub/loader_blob.o
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

docs: $(BIN)/cvisor
	$(BIN)/cvisor syscalls --markdown > docs/syscalls.md
	$(BIN)/cvisor syscalls --host --markdown > docs/host_syscalls.md

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# Sub-makefiles: unit tests, compat suite and runner, integration tests, bench harness.
-include $(wildcard tests/*/*.mk bench/*.mk)

# Both platforms in one run (issue 12): the suites on the default platform, then the compat
# suite and the integration drivers again on the other one (compat-trap/integration-trap
# or compat-ptrace/integration-ptrace); `escape` runs its hostile programs on both.
PLATFORM_DEFAULT := $(shell sed -n 's/^\#define PLAT_DEFAULT_NAME "\(.*\)"/\1/p' platform/platform.h)
PLATFORM_OTHER := $(if $(filter ptrace,$(PLATFORM_DEFAULT)),trap,ptrace)
check: all unit compat integration compat-$(PLATFORM_OTHER) integration-$(PLATFORM_OTHER) \
	escape bench-selftest fuzz-smoke fuzz-harden-smoke

clean:
	rm -rf $(BUILD) $(BIN)

-include $(CORE_OBJS:.o=.d) $(RUNTIME_OBJS:.o=.d)
