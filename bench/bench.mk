# bench.mk - the benchmark suite (bench/README.md), included by the top Makefile.
#   make bench-build   builds build/bench/micro/* and bin/cvisor-bench
#   make bench         runs the quick profile (< 5 min); BENCH_ARGS adds options
#   make bench-full    runs the full profile
#   make bench-selftest checks that the harness runs and writes valid JSON
# Does not depend on bin/cvisor: a missing or broken cvisor shows up as a failed peer.

BENCH_MICRO_SRCS := $(wildcard bench/micro/*.c)
BENCH_MICRO_BINS := $(BENCH_MICRO_SRCS:bench/micro/%.c=$(BUILD)/bench/micro/%)
BENCH_FLOOR_SRCS := $(wildcard bench/floors/*.c)
BENCH_FLOOR_BINS := $(BENCH_FLOOR_SRCS:bench/floors/%.c=$(BUILD)/bench/floors/%)
BENCH_HARNESS_SRCS := $(wildcard bench/harness/*.c)
BENCH_HARNESS_OBJS := $(BENCH_HARNESS_SRCS:%.c=$(BUILD)/%.o)
BENCH_ARGS ?=

# the harness truncates long reasons and paths into fixed buffers on purpose
$(BENCH_HARNESS_OBJS): CFLAGS += -Wno-format-truncation

.PHONY: bench bench-full bench-build bench-selftest bench-platforms

bench-build: $(BENCH_MICRO_BINS) $(BENCH_FLOOR_BINS) $(BIN)/cvisor-bench

# The platform floors (issue 12): a minimal ptrace tracer and a minimal SIGSYS +
# shared-memory round trip, measured beside both cvisor platforms in one run.
$(BUILD)/bench/floors/%: bench/floors/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

bench-platforms: bench-build $(BIN)/cvisor
	sh bench/floors/compare.sh

$(BUILD)/bench/micro/%: bench/micro/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -lpthread

$(BIN)/cvisor-bench: $(BENCH_HARNESS_OBJS)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) -o $@ $(BENCH_HARNESS_OBJS) -ljansson -lm

bench: bench-build
	$(BIN)/cvisor-bench $(BENCH_ARGS)

bench-full: bench-build
	$(BIN)/cvisor-bench --full $(BENCH_ARGS)

bench-selftest: bench-build
	sh bench/selftest.sh

-include $(BENCH_MICRO_BINS:=.d) $(BENCH_FLOOR_BINS:=.d) $(BENCH_HARNESS_OBJS:.o=.d)
