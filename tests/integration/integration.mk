# Integration tests: shell drivers of the real bin/cvisor (tests/integration/*.sh). Each
# prints ok/not ok lines and a closing `N passed, N failed` line, and exits non-zero on a
# failure. They install and start what they need and clean up after themselves.
INTEGRATION_TESTS := $(sort $(filter-out tests/integration/lib.sh,$(wildcard tests/integration/*.sh)))

.PHONY: integration
integration: $(BIN)/cvisor
	@fail=0; for t in $(INTEGRATION_TESTS); do \
		echo "== $$t"; CVISOR=$(CURDIR)/$(BIN)/cvisor bash $$t || fail=1; \
	done; exit $$fail
