#!/bin/bash
# Mount namespaces and mount(2) inside `cvisor do` as root, with util-linux: unshare -m,
# mount -t tmpfs, mount --bind, mount -o remount,ro, propagation in mountinfo, and the
# pivot_root sequence runc uses (pivot_root . . ; umount -l .). Everything is the
# Sentry's: the host's mount table must not change. Needs root, util-linux and
# busybox-static.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-mntns-XXXXXX)
trap 'rm -rf "$W"' EXIT
host_mounts() { grep -E " (/mnt|/tmp/cvisor-mntns-[^ ]*)(/[^ ]*)? " /proc/self/mountinfo | sort; }
BEFORE=$(host_mounts)
SB=("$CVISOR" do -- /bin/sh -c)

t_expect "unshare -m; mount -t tmpfs with options" 0 "hi
700
outside: absent" "${SB[@]}" '
	unshare -m sh -c "mount -t tmpfs -o size=1m,mode=0700 tmp /mnt && echo hi > /mnt/f &&
		cat /mnt/f && stat -c %a /mnt"
	test -e /mnt/f && echo "outside: present" || echo "outside: absent"'

t_expect "mount --bind; remount,bind,ro is EROFS there only" 0 "x
ro
rw-ok" "${SB[@]}" '
	unshare -m sh -c "mkdir -p /tmp/s /tmp/d && echo x > /tmp/s/f &&
		mount --bind /tmp/s /tmp/d && mount -o remount,ro,bind /tmp/d && cat /tmp/d/f &&
		{ touch /tmp/d/g 2>/dev/null && echo rw || echo ro; } && touch /tmp/s/g && echo rw-ok"'

t_expect "mount -o remount,ro of a tmpfs; mountinfo says ro" 0 "refused
ro" "${SB[@]}" '
	unshare -m sh -c "mount -t tmpfs t /mnt && mount -o remount,ro /mnt &&
		{ touch /mnt/x 2>/dev/null && echo written || echo refused; } &&
		grep \" /mnt \" /proc/self/mountinfo | cut -d\" \" -f6 | cut -d, -f1"'

t_expect "propagation fields in mountinfo" 0 "shared
private" "${SB[@]}" '
	unshare -m --propagation shared sh -c "mount -t tmpfs t /mnt &&
		grep \" /mnt \" /proc/self/mountinfo | grep -q shared: && echo shared"
	unshare -m sh -c "mount -t tmpfs t /mnt &&
		grep \" /mnt \" /proc/self/mountinfo | grep -q shared: || echo private"'

t_expect "runc-like pivot_root . . and umount -l ." 0 "bin
proc
/
2" "${SB[@]}" '
	unshare -m sh -c "
	mount --make-rprivate / && mount -t tmpfs rootfs /mnt && mkdir -p /mnt/bin /mnt/proc &&
	cp /bin/busybox /mnt/bin/busybox && cd /mnt && pivot_root . . &&
	exec /bin/busybox sh -c \"/bin/busybox umount -l . && /bin/busybox mount -t proc proc /proc &&
		/bin/busybox ls / && /bin/busybox pwd &&
		/bin/busybox wc -l < /proc/self/mountinfo\""'

t_expect "without unshare a child's mount is its parent's too" 0 "seen" "${SB[@]}" '
	sh -c "mount -t tmpfs t /mnt" && grep -q " /mnt " /proc/self/mountinfo && echo seen'

AFTER=$(host_mounts)
if [ "$BEFORE" == "$AFTER" ]; then
	t_ok "the host's mount table did not change"
else
	t_fail "the host's mount table did not change" "before: $BEFORE
after: $AFTER"
fi
t_done
