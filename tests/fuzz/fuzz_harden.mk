# libFuzzer targets of issue 11 (tests/fuzz/fuzz_<target>.c; seeds in tests/fuzz/<target>/):
# the config.json parser, the ELF header checks of exec, the VFS path walk and the cBPF
# validator/interpreter. Built with clang -fsanitize=fuzzer,address,undefined against the
# core compiled the same way (build/fuzz-harden/). `make fuzz-harden-smoke` (part of `make check`) runs each for
# HFUZZ_SECONDS (15); a crash it finds is saved under build/fuzz-harden/crashes/ and must
# become a seed (a test forever after). Variables are HFUZZ_ so other fuzz .mk files can
# live beside this one.
HFUZZ_CC      ?= clang
HFUZZ_SECONDS ?= 15
HFUZZ_BUILD   := $(BUILD)/fuzz-harden
HFUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
                 -fno-sanitize-recover=undefined -std=gnu11 -D_GNU_SOURCE -I. $(UNWIND_CFLAGS) \
                 -Wno-unused-parameter
HFUZZ_TARGETS := oci_config elf_load path_walk seccomp_bpf ebpf
HFUZZ_BINS    := $(HFUZZ_TARGETS:%=$(HFUZZ_BUILD)/fuzz_%)
HFUZZ_CORE    := $(CORE_SRCS:%.c=$(HFUZZ_BUILD)/%.o) $(HFUZZ_BUILD)/runtime/oci_config.o \
                 $(HFUZZ_BUILD)/runtime/oci_seccomp.o

$(HFUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HFUZZ_CC) $(HFUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(HFUZZ_BUILD)/libcore.a: $(HFUZZ_CORE) $(BUILD)/stub/loader_blob.o
	@rm -f $@
	ar rcs $@ $^

$(HFUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(HFUZZ_BUILD)/libcore.a
	$(HFUZZ_CC) $(HFUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(HFUZZ_BUILD)/libcore.a $(LDLIBS)

.PHONY: fuzz-harden-build fuzz-harden-smoke
fuzz-harden-build: $(HFUZZ_BINS)

# Each target from its seeds for HFUZZ_SECONDS; the corpus grows in build/, not the repo.
fuzz-harden-smoke: $(HFUZZ_BINS)
	@fail=0; for t in $(HFUZZ_TARGETS); do \
		echo "== fuzz_$$t ($(HFUZZ_SECONDS) s)"; \
		mkdir -p $(HFUZZ_BUILD)/corpus/$$t $(HFUZZ_BUILD)/crashes; \
		if $(HFUZZ_BUILD)/fuzz_$$t -max_total_time=$(HFUZZ_SECONDS) -timeout=10 \
			-rss_limit_mb=2048 -artifact_prefix=$(HFUZZ_BUILD)/crashes/$$t- \
			$(HFUZZ_BUILD)/corpus/$$t tests/fuzz/$$t > $(HFUZZ_BUILD)/$$t.log 2>&1; then \
			grep -E "DONE" $(HFUZZ_BUILD)/$$t.log | tail -1; \
		else \
			fail=1; tail -40 $(HFUZZ_BUILD)/$$t.log; \
		fi; \
	done; exit $$fail
