# tests/escape/escape.mk - hostile programs against the sandbox's own machinery (issue 12:
# the seccomp-trap stub runtime). Each runs under both platforms; a case must end with an
# errno or the death of the hostile process alone while the Sentry carries on.
ESCAPE_SRCS := $(wildcard tests/escape/*.c)
ESCAPE_BINS := $(ESCAPE_SRCS:tests/escape/%.c=$(BUILD)/escape/%)

.PHONY: escape
$(BUILD)/escape/%: tests/escape/%.c platform/stub_layout.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -pthread -o $@ $<

escape: $(ESCAPE_BINS) $(BIN)/cvisor
	@fail=0; for t in $(ESCAPE_BINS); do for p in ptrace seccomp-trap; do \
		echo "== $$t --platform=$$p"; \
		timeout -k 5 120 $(BIN)/cvisor --platform=$$p do -- $$t || fail=1; \
	done; done; exit $$fail
