#!/bin/bash
# The host-side confinement of a sandbox (issue 11; docs/security.md): every host process
# of a running sandbox (`do` and an OCI container) has a seccomp filter and no_new_privs,
# the stubs have no capabilities and no host fd but their channel and loader, the Sentry
# and the stubs live in fresh host namespaces and an empty root; SIGKILL of the Sentry
# mid-workload leaves no stub, namespace, cgroup or state behind; and the published
# host-syscall counts are the generated ones. Needs root and busybox-static.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
W=$(mktemp -d /tmp/cvisor-confine-XXXXXX)
R=$W/root
B=$W/bundle
pids=()
cv() { timeout 30 "$CVISOR" --root "$R" "$@"; }
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	for id in $(cv list -q 2>/dev/null); do cv delete --force "$id" >/dev/null 2>&1; done
	rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" \
	"$B/rootfs/tmp" "$B/rootfs/root"
cp /bin/busybox "$B/rootfs/bin/"
for a in sh sleep cat ls true; do ln -s busybox "$B/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$B/rootfs/etc/passwd"

# descendants PID: every process below PID, depth first
descendants() {
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# wait_stubs PID N: waits (5 s) until PID has at least N descendants; prints them
wait_stubs() {
	local d i
	for i in $(seq 50); do
		d=$(descendants "$1")
		[ "$(echo "$d" | grep -c .)" -ge "$2" ] && break
		sleep 0.1
	done
	echo "$d"
}

field() { awk -v f="$2:" '$1 == f { print $2 }' /proc/"$1"/status 2>/dev/null; }

# stub_fds PID: the host fds stub PID must hold: the channel and the loader; on
# seccomp-trap also the runtime's wake-up eventfd, and none for the pid namespace's keeper
# (its pid 1 there, a process that only waits)
fds_extra=""
[ "$T_PLATFORM" = seccomp-trap ] && fds_extra=" (seccomp-trap: and the wake-up eventfd)"
stub_fds() {
	if [ "$T_PLATFORM" != seccomp-trap ]; then
		echo "1021 1022 "
	elif [ "$(awk '$1 == "NSpid:" { print $NF }' /proc/"$1"/status)" = 1 ]; then
		echo ""
	else
		echo "1020 1021 1022 "
	fi
}

# check_sandbox WHAT SENTRY STUBS...: the status, namespace, root and fd checks
check_sandbox() {
	local what=$1 s=$2 bad="" p fds
	shift 2
	for p in "$s" "$@"; do
		[ "$(field "$p" Seccomp)" = 2 ] || bad+="pid $p Seccomp=$(field "$p" Seccomp); "
		[ "$(field "$p" NoNewPrivs)" = 1 ] || bad+="pid $p NoNewPrivs=$(field "$p" NoNewPrivs); "
	done
	[ -z "$bad" ] && t_ok "$what: Sentry and $# stubs: Seccomp 2, NoNewPrivs 1" ||
		t_fail "$what: Sentry and $# stubs: Seccomp 2, NoNewPrivs 1" "$bad"
	bad=""
	for p in "$@"; do
		[ "$(field "$p" CapEff)" = 0000000000000000 ] || bad+="stub $p CapEff=$(field "$p" CapEff); "
		fds=$(ls /proc/"$p"/fd 2>/dev/null | sort -n | tr '\n' ' ')
		[ "$fds" = "$(stub_fds "$p")" ] || bad+="stub $p fds: $fds; "
	done
	[ -z "$bad" ] && t_ok "$what: stubs: CapEff 0, host fds only the channel and the loader$fds_extra" ||
		t_fail "$what: stubs: CapEff 0, host fds only the channel and the loader$fds_extra" "$bad"
	local capeff
	capeff=$((16#$(field "$s" CapEff)))
	# CAP_SYS_ADMIN (21), CAP_SYS_PTRACE (19), CAP_MKNOD (27), CAP_NET_ADMIN (12) gone
	if [ $((capeff & (1 << 21 | 1 << 19 | 1 << 27 | 1 << 12))) -eq 0 ]; then
		t_ok "$what: the Sentry has no CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_MKNOD, CAP_NET_ADMIN"
	else
		t_fail "$what: the Sentry dropped its capabilities" "CapEff $(field "$s" CapEff)"
	fi
	bad=""
	for p in "$s" "$@"; do
		[ "$(ls /proc/"$p"/root/ 2>&1 | tr '\n' ' ')" = "proc " ] ||
			bad+="pid $p root holds: $(ls /proc/"$p"/root/ 2>&1 | head -5 | tr '\n' ' '); "
		[ "$(readlink /proc/"$p"/ns/mnt)" != "$(readlink /proc/$$/ns/mnt)" ] ||
			bad+="pid $p in the host mount namespace; "
		[ "$(readlink /proc/"$p"/ns/ipc)" != "$(readlink /proc/$$/ns/ipc)" ] ||
			bad+="pid $p in the host ipc namespace; "
		[ "$(readlink /proc/"$p"/ns/uts)" != "$(readlink /proc/$$/ns/uts)" ] ||
			bad+="pid $p in the host uts namespace; "
	done
	for p in "$@"; do
		[ "$(readlink /proc/"$p"/ns/pid)" != "$(readlink /proc/$$/ns/pid)" ] ||
			bad+="stub $p in the host pid namespace; "
	done
	[ -z "$bad" ] && t_ok "$what: fresh mount/ipc/uts/pid namespaces, an empty root holding /proc only" ||
		t_fail "$what: fresh mount/ipc/uts/pid namespaces, an empty root holding /proc only" "$bad"
	[ "$(stat -f -c %T /proc/"$s"/root/)" = tmpfs ] &&
		! touch /proc/"$s"/root/x 2>/dev/null && t_ok "$what: the root is a read-only tmpfs" ||
		t_fail "$what: the root is a read-only tmpfs" "$(stat -f /proc/"$s"/root/)"
}

# gone_within PIDS...: all gone (or zombies) within 3 s
gone_within() {
	local p i left
	for i in $(seq 30); do
		left=""
		for p in "$@"; do
			[ -e /proc/"$p" ] && [ "$(field "$p" State)" != Z ] && left+="$p "
		done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "$left"
	return 1
}

# ns_in_use NS: some host process is still in namespace NS (e.g. "mnt:[4026532247]")
ns_in_use() {
	local f
	for f in /proc/[0-9]*/ns/mnt; do
		[ "$(readlink "$f" 2>/dev/null)" = "$1" ] && return 0
	done
	return 1
}

# ---- cvisor do ----
"$CVISOR" do --rootfs "$B/rootfs" -- /bin/sh -c 'sleep 30 & sleep 30' >/dev/null 2>&1 &
S=$!
pids+=("$S")
# the factory, sh, two sleeps (and the pid namespace's keeper on seccomp-trap)
nstubs=4
[ "$T_PLATFORM" = seccomp-trap ] && nstubs=5
stubs=$(wait_stubs "$S" $nstubs)
check_sandbox "do" "$S" $stubs
# run from the host's own network namespace, `do` is loopback only (taking the host's
# interfaces over would cut the machine off): the Sentry leaves for an empty namespace
[ "$(readlink /proc/"$S"/ns/net)" != "$(readlink /proc/$$/ns/net)" ] &&
	t_ok "do: loopback only from the host's namespace, the Sentry in an empty net namespace" ||
	t_fail "do: loopback only from the host's namespace, the Sentry in an empty net namespace"
mntns=$(readlink /proc/"$S"/ns/mnt)
kill -9 "$S"
wait "$S" 2>/dev/null
left=$(gone_within $stubs) && t_ok "do: SIGKILL of the Sentry: every stub is gone" ||
	t_fail "do: SIGKILL of the Sentry: every stub is gone" "left: $left"
ns_in_use "$mntns" && t_fail "do: SIGKILL of the Sentry: its mount namespace is gone" ||
	t_ok "do: SIGKILL of the Sentry: its mount namespace is gone"

"$CVISOR" do --network=none --rootfs "$B/rootfs" -- /bin/sleep 30 >/dev/null 2>&1 &
S=$!
pids+=("$S")
wait_stubs "$S" 2 >/dev/null
[ "$(readlink /proc/"$S"/ns/net)" != "$(readlink /proc/$$/ns/net)" ] &&
	t_ok "do --network=none: a fresh net namespace" ||
	t_fail "do --network=none: a fresh net namespace"
kill -9 "$S"
wait "$S" 2>/dev/null

# ---- an OCI container (create/start), with its cgroup ----
(cd "$B" && "$CVISOR" spec) >/dev/null
python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["process"]["args"]=["sh","-c","sleep 30 & sleep 30"]; c["process"]["terminal"]=False; json.dump(c,open(p,"w"),indent=1)' "$B/config.json"
if cv create --bundle "$B" --pid-file "$W/pid" cf1 >"$W/create.out" 2>&1 && cv start cf1; then
	S=$(cat "$W/pid")
	stubs=$(wait_stubs "$S" $nstubs)
	check_sandbox "oci" "$S" $stubs
	ns_cfg=$(python3 -c 'import json,sys; print(any(n["type"]=="network" and not n.get("path") for n in json.load(open(sys.argv[1]))["linux"]["namespaces"]))' "$B/config.json")
	if [ "$ns_cfg" = True ]; then
		[ "$(readlink /proc/"$S"/ns/net)" != "$(readlink /proc/$$/ns/net)" ] &&
			t_ok "oci: a network namespace without a path: a fresh one" ||
			t_fail "oci: a network namespace without a path: a fresh one"
	fi
	cg=$(awk -F: '$2 ~ /freezer/ {print $3}' /proc/"$S"/cgroup)
	[ -n "$cg" ] && [ "$cg" != / ] && [ -d /sys/fs/cgroup/freezer"$cg" ] &&
		t_ok "oci: the Sentry runs in its cgroup ($cg)" ||
		t_fail "oci: the Sentry runs in its cgroup" "freezer cgroup: '$cg'"
	mntns=$(readlink /proc/"$S"/ns/mnt)
	kill -9 "$S"
	left=$(gone_within $stubs) && t_ok "oci: SIGKILL of the Sentry: every stub is gone" ||
		t_fail "oci: SIGKILL of the Sentry: every stub is gone" "left: $left"
	ns_in_use "$mntns" && t_fail "oci: SIGKILL of the Sentry: its mount namespace is gone" ||
		t_ok "oci: SIGKILL of the Sentry: its mount namespace is gone"
	cv delete --force cf1 >/dev/null 2>&1
	bad=""
	[ -e "$R/cf1" ] && bad+="state dir $R/cf1 remains; "
	if [ -n "$cg" ] && [ "$cg" != / ]; then
		for d in /sys/fs/cgroup/*"$cg"; do [ -d "$d" ] && bad+="cgroup $d remains; "; done
	fi
	[ -z "$bad" ] && t_ok "oci: after delete no state dir or cgroup of the sandbox remains" ||
		t_fail "oci: after delete no state dir or cgroup of the sandbox remains" "$bad"
else
	t_fail "oci: create and start" "$(cat "$W/create.out")"
fi

# ---- the published counts are the generated ones, of both platforms ----
# (at most 70 in the default network mode on ptrace, gVisor's ~70; seccomp-trap adds the
# two calls of its own, futex and sched_yield, docs/security.md)
for p in ptrace seccomp-trap; do
	last=$("$CVISOR_BIN" --platform=$p syscalls --host | tail -1)
	n=$(echo "$last" | awk '{print $1}')
	limit=70
	[ $p = seccomp-trap ] && limit=72
	[ -n "$n" ] && [ "$n" -le $limit ] &&
		t_ok "syscalls --host --platform=$p: $n host syscalls in the default mode (<= $limit)" ||
		t_fail "syscalls --host --platform=$p: at most $limit host syscalls in the default mode" "$last"
	grep -qF -- "$last" "$TOP/docs/security.md" &&
		t_ok "docs/security.md publishes the generated counts of $p" ||
		t_fail "docs/security.md publishes the generated counts of $p" "want: $last"
done

t_done
