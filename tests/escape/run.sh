#!/bin/bash
# tests/escape/run.sh - the escape suite (`make escape`, part of `make check`): hostile
# programs (tests/escape/*.c, built static) run under `cvisor do` over a busybox rootfs;
# each prints TAP where `ok` means the attempt failed. The driver adds what only the host
# can see: the host process it aimed at is alive, no device node reached the host
# directory, the Sentry answered the next command. limits.c also runs natively first (it
# must pass on Linux: same errnos). See docs/security.md.
. "$(dirname "$0")/../integration/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/cvisor-escape-XXXXXX)
victim=
cleanup() {
	[ -n "$victim" ] && kill "$victim" 2>/dev/null && wait "$victim" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

R=$W/root
mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/proc" "$R/dev" "$R/sys" "$R/hostdir"
cp /bin/busybox "$R/bin/busybox"
for a in sh true echo cat ls; do ln -s busybox "$R/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$R/etc/passwd"
echo host-secret > "$W/host-secret"

for p in host_pids devices stub_code races limits exhaust sysv_exhaust; do
	if ! gcc -O1 -Wall -static -o "$R/bin/$p" "$HERE/$p.c" -lpthread 2>"$W/cc.log"; then
		t_fail "build $p" "$(cat "$W/cc.log")"
		t_done
		exit 1
	fi
done

# run_tap NAME CMD...: every TAP line of CMD becomes a result here; the exit status and a
# plan line must be there too (a dead Sentry shows as a missing plan)
run_tap() {
	local name=$1 out rc line
	shift
	out=$(timeout 120 "$@" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok "*) t_ok "$name: ${line#ok * - }" ;;
		"not ok "*) t_fail "$name: ${line#not ok * - }" ;;
		esac
	done <<<"$out"
	if printf '%s\n' "$out" | grep -q '^1\.\.[0-9]' && [ $rc -eq 0 ]; then
		t_ok "$name: ran to its end (exit 0)"
	else
		t_fail "$name: ran to its end (exit 0)" "exit $rc: $(printf '%s' "$out" | tail -5)"
	fi
}

CVDO=("$CVISOR" do --rootfs "$R" --)

# host processes: a host `sleep` the sandbox aims at must survive
sleep 300 &
victim=$!
run_tap "host pids" "${CVDO[@]}" /bin/host_pids "$victim"
kill -0 "$victim" 2>/dev/null && t_ok "host pids: the host process aimed at is alive" ||
	t_fail "host pids: the host process aimed at is alive"

# device nodes: none made on the host-backed directory
run_tap "devices" "${CVDO[@]}" /bin/devices /hostdir
found=$(find "$R" \( -type b -o -type c \) 2>/dev/null)
[ -z "$found" ] && t_ok "devices: no device node on the host" ||
	t_fail "devices: no device node on the host" "$found"

# the stub's loader and gadget: the Sentry serves the parent afterwards
out=$(timeout 60 "$CVISOR" do --rootfs "$R" -- /bin/sh -c '/bin/stub_code; echo "after: $?"' 2>&1)
printf '%s\n' "$out" | grep -q '^after: 0$' &&
	t_ok "stub code: the Sentry serves the next command" ||
	t_fail "stub code: the Sentry serves the next command" "$(printf '%s' "$out" | tail -8)"
run_tap "stub code" "${CVDO[@]}" /bin/stub_code

# races against the host secret's path
run_tap "races" "${CVDO[@]}" /bin/races "$W/host-secret"

# bounded resources: natively first, then under cvisor
run_tap "limits (native)" "$R/bin/limits"
run_tap "limits" "${CVDO[@]}" /bin/limits
run_tap "exhaustion" "${CVDO[@]}" /bin/exhaust
run_tap "sysv exhaustion" "${CVDO[@]}" /bin/sysv_exhaust

t_done
