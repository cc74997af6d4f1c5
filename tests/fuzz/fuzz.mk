# Fuzz targets (libFuzzer + ASan, clang): tests/fuzz/<name>_fuzz.c linked with the core
# objects rebuilt under $(BUILD)/fuzz with the sanitizers. `make fuzz-smoke` runs each
# target ~30 s from its seed corpus (tests/fuzz/corpus/<name>/, made by make_seeds.py);
# new inputs go to $(BUILD)/fuzz/corpus-<name>, never into the checked-in seeds. A
# `/* wrap: sym ... */` line in a target links it with -Wl,--wrap=sym (as unit tests).
FUZZ_CC      ?= clang
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address \
                -std=gnu11 -fno-strict-aliasing -D_GNU_SOURCE -I. -w $(UNWIND_CFLAGS)
FUZZ_OBJS    := $(CORE_SRCS:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BIN)/%,$(wildcard tests/fuzz/*_fuzz.c))
FUZZ_SECONDS ?= 30

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(BIN)/%_fuzz: tests/fuzz/%_fuzz.c $(FUZZ_OBJS) $(BUILD)/stub/loader_blob.o
	@mkdir -p $(BIN)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address -o $@ $< $(FUZZ_OBJS) \
		$(addprefix -Wl$(comma)--wrap=,$(shell sed -n 's|.*/\* wrap: \(.*\) \*/.*|\1|p' $<)) \
		$(BUILD)/stub/loader_blob.o $(LDLIBS)

.SECONDARY: $(FUZZ_OBJS)
.PHONY: fuzz fuzz-smoke
fuzz: $(FUZZ_TARGETS)

fuzz-smoke:
	@if ! command -v $(FUZZ_CC) >/dev/null; then \
		echo "fuzz-smoke: skipped ($(FUZZ_CC) not installed)"; exit 0; fi; \
	$(MAKE) --no-print-directory fuzz BUILD=$(BUILD) BIN=$(BIN) || exit 1; \
	for t in $(FUZZ_TARGETS); do \
		n=$$(basename $$t _fuzz); mkdir -p $(FUZZ_BUILD)/corpus-$$n; \
		echo "== $$t ($(FUZZ_SECONDS) s)"; \
		if ! $$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=1 \
			$(FUZZ_BUILD)/corpus-$$n tests/fuzz/corpus/$$n >$(FUZZ_BUILD)/$$n.log 2>&1; then \
			tail -60 $(FUZZ_BUILD)/$$n.log; exit 1; fi; \
		tail -12 $(FUZZ_BUILD)/$$n.log; \
	done

-include $(FUZZ_OBJS:.o=.d)
