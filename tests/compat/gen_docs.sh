#!/bin/sh
# gen_docs.sh - prints docs/compat.md: runs `bin/cvisor syscalls --json` (tolerating its
# absence) and feeds it with build/compat-results.json to build/compat-tools/compat-docs.
# Usage: sh tests/compat/gen_docs.sh > docs/compat.md   (from the repository root)
set -u

CVISOR=${CVISOR:-bin/cvisor}
DOCS_TOOL=${DOCS_TOOL:-build/compat-tools/compat-docs}
RESULTS=${RESULTS:-build/compat-results.json}
TMP=$(mktemp -d /tmp/cvisor-compat-docs-XXXXXX) || exit 2
trap 'rm -rf "$TMP"' EXIT

set -- --results "$RESULTS"
if [ -x "$CVISOR" ] && "$CVISOR" syscalls --json > "$TMP/table.json" 2> /dev/null; then
	set -- "$@" --syscalls "$TMP/table.json"
else
	echo "gen_docs: '$CVISOR syscalls --json' unavailable; class/level columns left empty" >&2
fi
[ -f "$RESULTS" ] || echo "gen_docs: $RESULTS missing (run make compat); verdicts left empty" >&2
"$DOCS_TOOL" "$@"
