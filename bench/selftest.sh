#!/bin/sh
# selftest.sh - the CI smoke run of the benchmark harness: one case per group (micro,
# start-up, memory, macro), one repetition, native and cvisor, into a temporary directory;
# checks the JSON holds an ok sample for each, and that none of these runs started the
# private dockerd of the docker cases (it is started only when a docker case is selected).
# Prints TAP. Not a performance test: nothing here compares numbers. Run from the
# repository root after `make bench-build`.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/cvisor-bench-selftest.XXXXXX")
trap 'rm -rf "$out"' EXIT
cases="getpid startup_true idle_sleep1 python_cpu"
echo "1..9"
n=0
fail=0
for c in $cases; do
	n=$((n + 1))
	dir="$out/$c"
	mkdir -p "$dir"
	if "$root/bin/cvisor-bench" --filter "$c" --reps 1 --peers native,cvisor --out "$dir" \
		>"$dir/log" 2>&1; then
		echo "ok $n - cvisor-bench --filter $c exits 0"
	else
		echo "not ok $n - cvisor-bench --filter $c exited non-zero"
		sed 's/^/# /' "$dir/log"
		fail=1
	fi
	n=$((n + 1))
	json=$(ls "$dir"/*.json 2>/dev/null | head -n 1)
	if [ -n "$json" ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
case = [c for c in d["cases"] if c["name"] == sys.argv[2]]
assert case, "no case"
for peer in ("native", "cvisor"):
    r = case[0]["results"][peer]
    assert r["status"] == "ok", (peer, r)
    assert len(r["samples"]) == 1 and r["median"] > 0, (peer, r)
' "$json" "$c"; then
		echo "ok $n - $c has one ok sample for native and cvisor"
	else
		echo "not ok $n - $c: JSON missing or lacks ok native/cvisor samples (${json:-no file})"
		fail=1
	fi
done

n=$((n + 1))
if grep -l "private dockerd" "$out"/*/log >/dev/null 2>&1; then
	echo "not ok $n - no dockerd started without a docker case"
	grep -h "private dockerd" "$out"/*/log | sed 's/^/# /'
	fail=1
else
	echo "ok $n - no dockerd started without a docker case"
fi

exit $fail
