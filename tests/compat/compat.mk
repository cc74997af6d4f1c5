# tests/compat/compat.mk - builds and runs the syscall compatibility suite.
#
# Included by the top Makefile. Owns build/compat/ (one binary per tests/compat/*.c),
# build/compat-tools/, bin/cvisor-compat and docs/compat.md. Defines only compat-* targets
# and `compat`; it must not define all, check, unit, integration or bench.

COMPAT_DIR     := tests/compat
COMPAT_SRCS    := $(wildcard $(COMPAT_DIR)/*.c)
COMPAT_BINS    := $(COMPAT_SRCS:$(COMPAT_DIR)/%.c=$(BUILD)/compat/%)
COMPAT_CFLAGS  := $(filter-out -O%,$(CFLAGS)) -O1 -g -pthread
COMPAT_LDLIBS  := -lrt -lutil
COMPAT_RUNNER_SRCS := $(wildcard $(COMPAT_DIR)/runner/*.c)
COMPAT_RUNNER_MAIN := $(filter-out $(COMPAT_DIR)/runner/gen_docs.c,$(COMPAT_RUNNER_SRCS))
COMPAT_DOCS_TOOL   := $(BUILD)/compat-tools/compat-docs
COMPAT_RESULTS     := $(BUILD)/compat-results.json
COMPAT_KNOWN       := $(COMPAT_DIR)/known-failures.txt

.PHONY: compat compat-build compat-native compat-docs compat-coverage compat-trap compat-ptrace

compat-build: $(COMPAT_BINS) $(BIN)/cvisor-compat $(COMPAT_DOCS_TOOL)

$(BUILD)/compat/%: $(COMPAT_DIR)/%.c $(COMPAT_DIR)/tap.h
	@mkdir -p $(BUILD)/compat $(BUILD)/compat-deps
	$(CC) $(COMPAT_CFLAGS) -MF $(BUILD)/compat-deps/$*.d -o $@ $< $(COMPAT_LDLIBS)

$(BIN)/cvisor-compat: $(COMPAT_RUNNER_MAIN) $(wildcard $(COMPAT_DIR)/runner/*.h)
	@mkdir -p $(BIN) $(BUILD)/compat-deps
	$(CC) $(CFLAGS) -MF $(BUILD)/compat-deps/cvisor-compat.d -o $@ $(COMPAT_RUNNER_MAIN) -ljansson

$(COMPAT_DOCS_TOOL): $(COMPAT_DIR)/runner/gen_docs.c
	@mkdir -p $(dir $@) $(BUILD)/compat-deps
	$(CC) $(CFLAGS) -MF $(BUILD)/compat-deps/compat-docs.d -o $@ $< -ljansson

# Every full/partial syscall of `bin/cvisor syscalls --json` must be named by a test.
compat-coverage: $(BIN)/cvisor $(COMPAT_DOCS_TOOL)
	sh $(COMPAT_DIR)/check_coverage.sh

compat: compat-build $(BIN)/cvisor
	sh $(COMPAT_DIR)/check_coverage.sh; cov=$$?; \
	$(BIN)/cvisor-compat --cvisor $(CURDIR)/$(BIN)/cvisor --tests-dir $(BUILD)/compat \
		--known-failures $(COMPAT_KNOWN) --json $(COMPAT_RESULTS); \
	rc=$$?; [ $$rc -eq 0 ] && [ $$cov -eq 0 ]

# The suite on one platform named explicitly (issue 12; `make check` runs the one that is
# not the default): cvisor's column only; the expected failures are known-failures.txt,
# plus tests/compat/known-failures-trap.txt on seccomp-trap.
COMPAT_KNOWN_TRAP := $(BUILD)/compat-known-trap.txt
compat-trap: compat-build $(BIN)/cvisor
	cat $(COMPAT_KNOWN) $(COMPAT_DIR)/known-failures-trap.txt > $(COMPAT_KNOWN_TRAP)
	$(BIN)/cvisor-compat --cvisor $(CURDIR)/$(BIN)/cvisor --tests-dir $(BUILD)/compat \
		--only cvisor --runtime-arg --platform=seccomp-trap \
		--known-failures $(COMPAT_KNOWN_TRAP) --json $(BUILD)/compat-results-trap.json
compat-ptrace: compat-build $(BIN)/cvisor
	$(BIN)/cvisor-compat --cvisor $(CURDIR)/$(BIN)/cvisor --tests-dir $(BUILD)/compat \
		--only cvisor --runtime-arg --platform=ptrace \
		--known-failures $(COMPAT_KNOWN) --json $(BUILD)/compat-results-ptrace.json

compat-native: compat-build
	$(BIN)/cvisor-compat --tests-dir $(BUILD)/compat --only native

compat-docs: $(COMPAT_DOCS_TOOL)
	CVISOR=$(BIN)/cvisor DOCS_TOOL=$(COMPAT_DOCS_TOOL) RESULTS=$(COMPAT_RESULTS) \
		sh $(COMPAT_DIR)/gen_docs.sh > docs/compat.md.tmp && mv docs/compat.md.tmp docs/compat.md

-include $(wildcard $(BUILD)/compat-deps/*.d)
