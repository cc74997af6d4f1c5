# Unit tests: tests/unit/<layer>/test_<module>.c, one cmocka binary each, linked against
# the core objects (as an archive, so each test pulls only what it uses; fakes through
# -Wl,--wrap=symbol listed in a `/* wrap: sym1 sym2 */` line of the test source).
UNIT_SRCS := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(addprefix -Wl$(comma)--wrap=,$(shell sed -n 's|.*/\* wrap: \(.*\) \*/.*|\1|p' $<)) \
		$(BUILD)/libcore.a -lcmocka $(LDLIBS)

comma := ,
.PHONY: unit unit-build
unit-build: $(UNIT_BINS)
unit: unit-build
	@fail=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; $$t || fail=1; \
	done; exit $$fail

# The syscall table references handlers weakly: an archive member is never pulled in by a
# weak reference, so this test links the objects themselves, as bin/cvisor does.
$(BUILD)/unit/sentry/test_syscall_table: tests/unit/sentry/test_syscall_table.c $(CORE_OBJS) $(BUILD)/stub/loader_blob.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(CORE_OBJS) $(BUILD)/stub/loader_blob.o -lcmocka $(LDLIBS)
