#!/bin/sh
# check_coverage.sh - every syscall that `bin/cvisor syscalls --json` marks full or partial
# must be named by at least one `/* syscalls: ... */` line of a tests/compat/*.c program.
# Prints the missing ones and exits 1 if any. While `bin/cvisor syscalls --json` does not
# work yet the check is skipped with a warning (exit 0); other internal errors exit 2.
# Usage: sh tests/compat/check_coverage.sh [SYSCALLS_JSON]   (run from the repository root)
set -u

CVISOR=${CVISOR:-bin/cvisor}
DOCS_TOOL=${DOCS_TOOL:-build/compat-tools/compat-docs}
TMP=$(mktemp -d /tmp/cvisor-coverage-XXXXXX) || exit 2
trap 'rm -rf "$TMP"' EXIT

if [ $# -ge 1 ]; then
	cp "$1" "$TMP/table.json" || exit 2
elif ! "$CVISOR" syscalls --json > "$TMP/table.json" 2> "$TMP/err"; then
	echo "check_coverage: SKIPPED: '$CVISOR syscalls --json' failed: $(head -n1 "$TMP/err")" >&2
	exit 0
fi

# Supported names, one per line: prefer jq, else the compat-docs helper.
if command -v jq > /dev/null 2>&1; then
	jq -r '.[] | select(.level == "full" or .level == "partial") | .name' "$TMP/table.json" \
		> "$TMP/supported" || exit 2
elif [ -x "$DOCS_TOOL" ]; then
	"$DOCS_TOOL" --supported "$TMP/table.json" > "$TMP/supported" || exit 2
else
	echo "check_coverage: need jq or $DOCS_TOOL (make compat-build)" >&2
	exit 2
fi

sed -n 's@^/\* syscalls:\(.*\)\*/.*@\1@p' tests/compat/*.c | tr ' \t' '\n\n' | sed '/^$/d' \
	| sort -u > "$TMP/named"
sort -u "$TMP/supported" > "$TMP/supported.sorted"
comm -23 "$TMP/supported.sorted" "$TMP/named" > "$TMP/missing"

total=$(wc -l < "$TMP/supported.sorted" | tr -d ' ')
missing=$(wc -l < "$TMP/missing" | tr -d ' ')
if [ "$missing" -ne 0 ]; then
	echo "check_coverage: $missing of $total supported syscalls have no compat test:"
	sed 's/^/  /' "$TMP/missing"
	exit 1
fi
echo "check_coverage: all $total supported syscalls are named by a compat test"
exit 0
