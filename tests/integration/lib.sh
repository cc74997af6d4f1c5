# tests/integration/lib.sh - helpers for integration drivers (sourced, not run).
# Counts results, prints `ok N - what` / `not ok N - what`, and the closing line.
CVISOR=${CVISOR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/bin/cvisor}
CVISOR_BIN=$CVISOR # the binary itself, without the wrapper below
# CVISOR_PLATFORM=seccomp-trap|ptrace: every "$CVISOR" of a driver runs with --platform
# (through a wrapper in build/, since drivers also run it under timeout). T_PLATFORM is
# the platform the drivers test: that one, or the binary's default.
T_PLATFORM=${CVISOR_PLATFORM:-$("$CVISOR" --version 2>/dev/null | awk '$1 == "platform:" { print $2 }')}
if [ -n "${CVISOR_PLATFORM:-}" ]; then
	_cv_wrap=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/cvisor-platform-$CVISOR_PLATFORM
	mkdir -p "$(dirname "$_cv_wrap")"
	printf '#!/bin/sh\nexec %s --platform=%s "$@"\n' "$CVISOR" "$CVISOR_PLATFORM" >"$_cv_wrap"
	chmod +x "$_cv_wrap"
	CVISOR=$_cv_wrap
fi
T_PASS=0
T_FAIL=0
T_N=0

t_ok() {
	T_N=$((T_N + 1))
	T_PASS=$((T_PASS + 1))
	echo "ok $T_N - $1"
}

t_fail() {
	T_N=$((T_N + 1))
	T_FAIL=$((T_FAIL + 1))
	echo "not ok $T_N - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /' | head -30
	return 0
}

# t_same NAME CMD...: CMD's stdout+exit status natively and under `cvisor do` must match.
t_same() {
	local name=$1
	shift
	local native sandboxed rn rs
	native=$(cd "${T_CWD:-/}" && timeout 60 "$@" 2>&1)
	rn=$?
	sandboxed=$(timeout 60 "$CVISOR" do --cwd "${T_CWD:-/}" -- "$@" 2>&1)
	rs=$?
	if [ "$native" == "$sandboxed" ] && [ $rn -eq $rs ]; then
		t_ok "$name"
	else
		t_fail "$name" "native (exit $rn): $(printf '%s' "$native" | head -c 600)
cvisor (exit $rs): $(printf '%s' "$sandboxed" | head -c 600)"
	fi
}

# t_expect NAME EXPECTED_EXIT EXPECTED_OUTPUT CMD...
t_expect() {
	local name=$1 want_rc=$2 want_out=$3
	shift 3
	local out rc
	out=$(timeout 60 "$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && { [ -z "$want_out" ] || [ "$out" == "$want_out" ]; }; then
		t_ok "$name"
	else
		t_fail "$name" "want exit $want_rc output '$want_out'; got exit $rc output '$(printf '%s' "$out" | head -c 600)'"
	fi
}

t_done() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
