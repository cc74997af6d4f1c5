#!/bin/sh
# bench/floors/compare.sh - the platform table of docs/performance.md in one run: ns per
# operation, best of REPS, for native, both cvisor platforms and the two floors (issue 12).
# The reps are interleaved (every configuration once per round), so that a load spike on
# this shared machine hits all of them alike: compare the ratios of one run.
#   sh bench/floors/compare.sh [REPS]        (make bench-platforms)
# Runs only the bench programs, natively and in fresh sandboxes; changes no host state.
set -u
REPS=${1:-5}
B=build/bench
CV=${CVISOR:-bin/cvisor}
D=$(mktemp -d /tmp/cvisor-floors-XXXXXX)
trap 'rm -rf "$D"' EXIT

# name|command...
CONFIGS="getpid.n|$B/micro/getpid 200000
getpid.p|$CV do -- $B/micro/getpid 20000
getpid.t|$CV --platform=seccomp-trap do -- $B/micro/getpid 20000
pipe_pingpong.n|$B/micro/pipe_pingpong 50000
pipe_pingpong.p|$CV do -- $B/micro/pipe_pingpong 5000
pipe_pingpong.t|$CV --platform=seccomp-trap do -- $B/micro/pipe_pingpong 5000
open_close.n|$B/micro/open_close 50000
open_close.p|$CV do -- $B/micro/open_close 5000
open_close.t|$CV --platform=seccomp-trap do -- $B/micro/open_close 5000
fork_exec.n|$B/micro/fork_exec 200
fork_exec.p|$CV do -- $B/micro/fork_exec 100
fork_exec.t|$CV --platform=seccomp-trap do -- $B/micro/fork_exec 100
floor_ptrace|$B/floors/floor_ptrace 20000
floor_ptrace_1cpu|taskset -c 0 $B/floors/floor_ptrace 20000
floor_sigsys_local|$B/floors/floor_sigsys 100000 local
floor_sigsys_spin|$B/floors/floor_sigsys 50000 spin
floor_sigsys_futex|$B/floors/floor_sigsys 20000 futex"

i=0
while [ $i -lt "$REPS" ]; do
	printf '%s\n' "$CONFIGS" | while IFS='|' read -r name cmd; do
		# shellcheck disable=SC2086
		timeout -k 5 120 $cmd 2>/dev/null </dev/null | awk '/^ns_per_op/ {print $2}' >>"$D/$name"
	done
	i=$((i + 1))
done

best() { sort -g "$D/$1" 2>/dev/null | head -1 | grep . || echo fail; }
ratio() { awk "BEGIN{ if (\"$1\" != \"fail\" && \"$2\" != \"fail\") printf \"%.2f\", $1 / $2; else print \"-\" }"; }

echo "| case | native | cvisor ptrace | cvisor seccomp-trap | trap / ptrace |"
echo "|---|---|---|---|---|"
for c in getpid pipe_pingpong open_close fork_exec; do
	p=$(best $c.p)
	t=$(best $c.t)
	printf '| %s | %s | %s | %s | %s |\n' "$c" "$(best $c.n)" "$p" "$t" "$(ratio "$t" "$p")"
done
echo
echo "| floor (getpid) | ns |"
echo "|---|---|"
echo "| ptrace tracer, any core | $(best floor_ptrace) |"
echo "| ptrace tracer, one core | $(best floor_ptrace_1cpu) |"
echo "| SIGSYS in-process | $(best floor_sigsys_local) |"
echo "| SIGSYS + shared memory, spin then futex | $(best floor_sigsys_spin) |"
echo "| SIGSYS + shared memory, futex only | $(best floor_sigsys_futex) |"
