#!/bin/bash
# The host is unchanged by what a sandbox does with namespaces, mounts, cgroups and
# network devices (issue 9): inside `cvisor do` (as root, over the host's root) a script
# unshares every namespace type, mounts proc, tmpfs and binds (also over the host's /mnt,
# /run and /sys/fs/cgroup), pivot_roots, sets hostnames, makes a cgroup2 child with
# pids.max and moves itself into it, and changes links and addresses in the sandbox's
# network and in a new network namespace. Each step must succeed inside (else "unchanged"
# would prove nothing); afterwards the host's mount table, hostname, cgroup tree
# (directories and every pids.max), links and addresses must be what they were before,
# and none of the names the script used (cvhc) may appear on the host.
# Other tests may run at the same time: what they are known to add (Docker's and
# containerd's, runsc's mounts, cgroups and interfaces, other tests' /tmp directories) is left out
# of the comparison. Needs root, util-linux and iproute2. Runs in a few seconds.
. "$(dirname "$0")/lib.sh"

t_require unshare ip busybox
BUSYBOX=$(t_static_busybox)

W=$(mktemp -d /tmp/cvisor-hostcheck-XXXXXX)
trap 'rm -rf "$W"' EXIT

# what others may change meanwhile
OTHERS='docker|containerd|moby|buildkit|libpod|runsc|cvisor-bench|/run/netns/|veth|br-'
host_mounts() {
	# mount point, type, source (ids and options of untouched mounts do not change either)
	awk -v w="$W" '{ for (i = 7; $i != "-"; i++); mp = $5
		if (mp ~ /^\/tmp\// && index(mp, w) != 1) next
		print mp, $(i + 1), $(i + 2), $6 }' /proc/self/mountinfo | grep -vE "$OTHERS" | sort
}
host_cgroups() {
	find /sys/fs/cgroup -type d 2>/dev/null | grep -vE "$OTHERS" | sort
	find /sys/fs/cgroup -name pids.max 2>/dev/null | grep -vE "$OTHERS" | sort |
		while read -r f; do echo "$f $(cat "$f" 2>/dev/null)"; done
}
host_links() {
	ip -o link | grep -vE "$OTHERS" | sed 's/^[0-9]*: //'
	ip -o addr | grep -vE "$OTHERS" | sed 's/^[0-9]*: //'
}
snapshot() {
	echo "== hostname $(hostname) $(cat /proc/sys/kernel/domainname)"
	echo "== mounts"
	host_mounts
	echo "== cgroups"
	host_cgroups
	echo "== links"
	host_links
}
BEFORE=$(snapshot)

cp "$BUSYBOX" "$W/busybox"
cat >"$W/work.sh" <<'EOF'
# inside the sandbox: prints "STEP <name> ok" or "STEP <name> fail <output>"
W=$1
step() {
	n=$1
	shift
	out=$("$@" 2>&1) && echo "STEP $n ok" ||
		echo "STEP $n fail $(printf '%s' "$out" | tr '\n' '|' | head -c 300)"
}
step hostname sh -c 'hostname cvhc-sandbox && domainname cvhc-domain && [ "$(hostname)" = cvhc-sandbox ]'
step unshare_all unshare --mount --uts --ipc --net --pid --cgroup --fork sh -c \
	'hostname cvhc-ns && [ "$(hostname)" = cvhc-ns ] && [ $$ = 1 ]'
step unshare_user unshare --user --map-root-user sh -c '[ "$(id -u)" = 0 ] && hostname cvhc-userns 2>/dev/null; true'
step mount_tmpfs sh -c "mkdir -p $W/m && mount -t tmpfs cvhc $W/m && echo x >$W/m/f &&
	grep -q ' $W/m ' /proc/self/mountinfo"
step mount_proc sh -c "mkdir -p $W/p && mount -t proc cvhc $W/p && [ -e $W/p/self/stat ]"
step mount_bind sh -c "mkdir -p $W/b && mount --bind /etc $W/b && [ -e $W/b/passwd ] &&
	mount -o remount,bind,ro $W/b"
step mount_over_host_dirs sh -c 'mount -t tmpfs cvhc /mnt && mount -t tmpfs cvhc /run &&
	mount -t tmpfs cvhc /var/tmp && mount --make-rshared / && mount -t tmpfs cvhc /srv'
step pivot_root unshare --mount sh -c "mkdir -p $W/nr && mount -t tmpfs cvhc $W/nr &&
	mkdir $W/nr/old $W/nr/bin && cp $W/busybox $W/nr/bin/ && cd $W/nr && pivot_root . old &&
	/bin/busybox umount -l /old && [ \"\$(/bin/busybox ls /)\" = \"\$(/bin/busybox printf 'bin\nold')\" ]"
step cgroup2 sh -c 'umount /sys/fs/cgroup; mount -t cgroup2 cvhc /sys/fs/cgroup &&
	mkdir /sys/fs/cgroup/cvhc && echo +pids >/sys/fs/cgroup/cgroup.subtree_control &&
	echo 5 >/sys/fs/cgroup/cvhc/pids.max && echo $$ >/sys/fs/cgroup/cvhc/cgroup.procs &&
	grep -qx "0::/cvhc" /proc/self/cgroup && [ "$(cat /sys/fs/cgroup/cvhc/pids.max)" = 5 ]'
step ip_sandbox sh -c 'ip link set lo mtu 1280 && ip addr add 10.77.1.1/24 dev lo &&
	ip -o addr show dev lo | grep -q 10.77.1.1 && ip -o link show lo | grep -q "mtu 1280"'
step ip_netns unshare --net sh -c 'ip link set lo up && ip addr add 10.77.2.1/24 dev lo &&
	ip link set lo mtu 1300 && ip -o link show lo | grep -q "mtu 1300" &&
	ip -o addr show dev lo | grep -q 10.77.2.1'
EOF

OUT=$(timeout 60 "$CVISOR" do -- /bin/sh "$W/work.sh" "$W" 2>&1)
RC=$?
[ $RC -eq 0 ] && t_ok "the sandbox ran the script (exit 0)" ||
	t_fail "the sandbox ran the script (exit 0)" "exit $RC: $OUT"
for step in hostname:"sethostname and setdomainname in the sandbox" \
	unshare_all:"unshare of mount, uts, ipc, net, pid and cgroup namespaces (pid 1, own hostname)" \
	unshare_user:"unshare of a user namespace (uid 0 inside)" \
	mount_tmpfs:"mount tmpfs" mount_proc:"mount proc" mount_bind:"bind mount, remounted read-only" \
	mount_over_host_dirs:"tmpfs over /mnt, /run, /var/tmp, /srv; / made rshared" \
	pivot_root:"pivot_root into a tmpfs, old root detached" \
	cgroup2:"cgroup2: mkdir, +pids, pids.max, cgroup.procs" \
	ip_sandbox:"ip link/addr changes in the sandbox's network" \
	ip_netns:"ip link/addr changes in a new network namespace"; do
	name=${step%%:*}
	line=$(printf '%s\n' "$OUT" | grep "^STEP $name ")
	case "$line" in
	"STEP $name ok") t_ok "inside: ${step#*:}" ;;
	*) t_fail "inside: ${step#*:}" "${line:-no result; output: $OUT}" ;;
	esac
done

AFTER=$(snapshot)
for part in hostname:"hostname and domainname" mounts:"mount table" cgroups:"cgroup tree and pids.max values" \
	links:"links and addresses"; do
	what=${part#*:}
	part=${part%%:*}
	b=$(printf '%s\n' "$BEFORE" | sed -n "/^== $part/,/^== /p" | grep -v '^== [a-z]*$')
	a=$(printf '%s\n' "$AFTER" | sed -n "/^== $part/,/^== /p" | grep -v '^== [a-z]*$')
	[ "$b" == "$a" ] && t_ok "the host's $what: unchanged" ||
		t_fail "the host's $what: unchanged" "$(diff <(echo "$b") <(echo "$a") | head -20)"
done
leak=$( (grep cvhc /proc/self/mountinfo; find /sys/fs/cgroup -name '*cvhc*'; ip -o addr | grep -E '10\.77\.') 2>/dev/null)
[ -z "$leak" ] && t_ok "no name or address the sandbox used is on the host" ||
	t_fail "no name or address the sandbox used is on the host" "$leak"
[ -z "$(ls -A "$W" | grep -vx -e busybox -e work.sh)" ] && t_ok "the host directory the sandbox mounted under is untouched" ||
	t_fail "the host directory the sandbox mounted under is untouched" "$(ls -A "$W")"
t_done
