#!/bin/bash
# Escape attempts from a sandbox (issue: sandbox core / VFS "done when"): `..`, absolute
# and climbing symlinks, /proc/self/root, /proc/<pid>/root, /proc/self/fd/N/.., chroot,
# ptrace / process_vm_readv / kill / /proc/<pid>/mem of the Sentry, the i386 and x32 ABIs,
# io_uring; and a host-side race swapping a path component for a symlink to `/` while the
# sandbox opens through it. Also the multi-threaded stress case (50 threads, 200 forks).
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/cvisor-esc-XXXXXX)
swapper=
cleanup() {
	[ -n "$swapper" ] && kill "$swapper" 2>/dev/null && wait "$swapper" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

SECRET=$W/host-secret
echo host-secret > "$SECRET"
R=$W/root
mkdir -p "$R/bin" "$R/tmp" "$R/proc" "$R/dev" "$R/sys" "$R/d"
cp /bin/busybox "$R/bin/busybox"
for a in sh cat ls; do ln -s busybox "$R/bin/$a"; done
if ! gcc -O1 -static -o "$R/bin/escape_probe" "$HERE/progs/escape_probe.c" 2>"$W/cc.log"; then
	t_fail "build escape_probe" "$(cat "$W/cc.log")"
	t_done
	exit 1
fi

# Control: natively the probe does reach the secret, so "blocked" below means something.
if "$R/bin/escape_probe" 1 "$SECRET" | grep -q "read host path directly ESCAPED"; then
	t_ok "control: the probe reads the secret natively"
else
	t_fail "control: the probe reads the secret natively"
fi

out=$(timeout 60 "$CVISOR" do --rootfs "$R" -- /bin/escape_probe $$ "$SECRET" 2>&1)
n=$(printf '%s\n' "$out" | grep -c ' blocked$')
while IFS= read -r line; do
	case "$line" in
	*" blocked") t_ok "escape: ${line% blocked}" ;;
	*" ESCAPED") t_fail "escape: ${line% ESCAPED}" ;;
	esac
done <<<"$out"
[ "$n" -ge 16 ] && t_ok "all 16 probes ran" || t_fail "all 16 probes ran" "$out"

# Host-side race: $R/d flips between a directory and a symlink to the host's `/`.
(
	cd "$R"
	end=$((SECONDS + 4))
	while [ $SECONDS -lt $end ]; do
		mv d d.real 2>/dev/null && ln -s / d 2>/dev/null
		rm -f d 2>/dev/null && mv d.real d 2>/dev/null
	done
) &
swapper=$!
race=$(timeout 60 "$CVISOR" do --rootfs "$R" -- /bin/sh -c \
	"i=0; while [ \$i -lt 400 ]; do cat /d$SECRET 2>/dev/null; i=\$((i+1)); done; echo end")
wait "$swapper" 2>/dev/null
swapper=
if printf '%s' "$race" | grep -q host-secret; then
	t_fail "symlink swap race never reaches the host"
elif printf '%s' "$race" | grep -q '^end$'; then
	t_ok "symlink swap race never reaches the host"
else
	t_fail "symlink swap race never reaches the host" "$race"
fi

# Stress: 50 threads x 200 condvar rounds, then 200 forked children.
if gcc -O1 -pthread -o "$W/stress_threads" "$HERE/progs/stress_threads.c" 2>"$W/cc2.log"; then
	t_expect "50 threads ping-pong and 200 forks" 0 "done 10000 200" \
		"$CVISOR" do -- "$W/stress_threads"
else
	t_fail "build stress_threads" "$(cat "$W/cc2.log")"
fi
t_done
