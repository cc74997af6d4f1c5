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

# t_cc_prog NAME DIR: builds progs/NAME.c into DIR/NAME, or ends the script with a SKIP.
t_cc_prog() {
	local src
	src=$(dirname "${BASH_SOURCE[0]}")/progs/$1.c
	if ! gcc -O2 -o "$2/$1" "$src" 2>"$2/cc.log"; then
		echo "1..0 # SKIP cannot build progs/$1.c: $(head -3 "$2/cc.log")"
		exit 0
	fi
}

# t_has NAME PATTERN OUTPUT: OUTPUT has a line matching the extended regex PATTERN.
t_has() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		t_ok "$1"
	else
		t_fail "$1" "no line matching '$2' in:
$3"
	fi
}

# t_hasnt NAME PATTERN OUTPUT: no line of OUTPUT matches PATTERN.
t_hasnt() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		t_fail "$1" "a line matches '$2' in:
$3"
	else
		t_ok "$1"
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

# t_require CMD...: the whole driver is skipped (plan 1..0) when one is not installed.
t_require() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null && continue
		echo "1..0 # SKIP $p not installed"
		echo "0 passed, 0 failed"
		exit 0
	done
}

# t_static_busybox: the path of a statically linked busybox (busybox-static's), for
# rootfs that have no libc.
t_static_busybox() {
	local b
	b=$(command -v busybox)
	file -L "$b" 2>/dev/null | grep -q "statically linked" || b=/bin/busybox
	echo "$b"
}
