#!/bin/sh
# selftest.sh - checks that the benchmark harness runs and writes valid results: one
# repetition of the getpid case, native only, into a temporary directory. Prints TAP.
# Run from the repository root after `make bench-build` (make bench-selftest does both).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/cvisor-bench-selftest.XXXXXX")
trap 'rm -rf "$out"' EXIT
echo "1..2"
if "$root/bin/cvisor-bench" --filter getpid --reps 1 --peers native --out "$out" \
	>"$out/log" 2>&1; then
	echo "ok 1 - cvisor-bench --filter getpid --reps 1 --peers native exits 0"
else
	echo "not ok 1 - cvisor-bench exited non-zero"
	sed 's/^/# /' "$out/log"
fi
json=$(ls "$out"/*.json 2>/dev/null | head -n 1)
if [ -n "$json" ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
case = [c for c in d["cases"] if c["name"] == "getpid"]
assert case, "no getpid case"
r = case[0]["results"]["native"]
assert r["status"] == "ok", r
assert len(r["samples"]) == 1 and r["median"] > 0, r
assert d["peers"]["native"]["usable"] is True
' "$json"; then
	echo "ok 2 - the JSON parses and holds getpid/native with one sample"
else
	echo "not ok 2 - the JSON is missing or lacks getpid/native (${json:-no file})"
	exit 1
fi
