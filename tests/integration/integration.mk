# Integration tests: shell drivers of the real bin/cvisor (tests/integration/*.sh). Each
# prints ok/not ok lines and a closing `N passed, N failed` line, and exits non-zero on a
# failure. They install and start what they need and clean up after themselves.
INTEGRATION_TESTS := $(sort $(filter-out tests/integration/lib.sh,$(wildcard tests/integration/*.sh)))

.PHONY: integration integration-trap integration-ptrace
integration: $(BIN)/cvisor
	@fail=0; for t in $(INTEGRATION_TESTS); do \
		echo "== $$t"; CVISOR=$(CURDIR)/$(BIN)/cvisor bash $$t || fail=1; \
	done; exit $$fail

# The drivers on one platform named explicitly (issue 12; `make check` runs the one that
# is not the default), through CVISOR_PLATFORM (lib.sh's --platform wrapper; drivers check
# per platform what differs). All of them but the Docker and ctr drivers that register
# bin/cvisor with a dockerd/containerd of their own (run those with CVISOR_PLATFORM set by
# hand) and valgrind_sentry (no seccomp under valgrind, either platform). docker_stage2
# runs its dockerd inside the sandbox, so it is in (~20 s). ~95 s on 2 cores.
INTEGRATION_PLATFORM_TESTS := $(filter-out tests/integration/ctr_% tests/integration/valgrind_%,\
	$(filter-out tests/integration/docker_%,$(INTEGRATION_TESTS)) \
	$(filter tests/integration/docker_stage2.sh,$(INTEGRATION_TESTS)))
define integration_on
	@fail=0; for t in $(INTEGRATION_PLATFORM_TESTS); do \
		echo "== $$t --platform=$(1)"; \
		CVISOR=$(CURDIR)/$(BIN)/cvisor CVISOR_PLATFORM=$(1) bash $$t || fail=1; \
	done; exit $$fail
endef
integration-trap: $(BIN)/cvisor
	$(call integration_on,seccomp-trap)
integration-ptrace: $(BIN)/cvisor
	$(call integration_on,ptrace)
