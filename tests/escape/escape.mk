# The escape suite (tests/escape/run.sh): hostile programs under cvisor, each asserting
# that its attempt fails. Part of `make check`.
.PHONY: escape
escape: $(BIN)/cvisor
	@echo "== tests/escape/run.sh"; CVISOR=$(CURDIR)/$(BIN)/cvisor bash tests/escape/run.sh
