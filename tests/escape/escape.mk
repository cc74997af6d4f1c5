# The escape suite (`make escape`, part of `make check`), on both platforms:
# - tests/escape/run.sh (issue 11): hostile programs under cvisor over a busybox rootfs,
#   each asserting that its attempt fails;
# - trap_hostile.c (issue 12): attacks on the seccomp-trap stub runtime, run under both
#   platforms; a case must end with an errno or the death of the hostile process alone
#   while the Sentry carries on.
ESCAPE_TRAP_BINS := $(BUILD)/escape/trap_hostile

.PHONY: escape
$(BUILD)/escape/%: tests/escape/%.c platform/stub_layout.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -pthread -o $@ $<

escape: $(ESCAPE_TRAP_BINS) $(BIN)/cvisor
	@fail=0; for p in ptrace seccomp-trap; do \
		echo "== tests/escape/run.sh --platform=$$p"; \
		CVISOR=$(CURDIR)/$(BIN)/cvisor CVISOR_PLATFORM=$$p bash tests/escape/run.sh || fail=1; \
	done; \
	for t in $(ESCAPE_TRAP_BINS); do for p in ptrace seccomp-trap; do \
		echo "== $$t --platform=$$p"; \
		timeout -k 5 120 $(BIN)/cvisor --platform=$$p do -- $$t || fail=1; \
	done; done; exit $$fail
