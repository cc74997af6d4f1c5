#!/bin/bash
# iproute2's `ip` and busybox `ip` inside `cvisor do --network=none` (issue 7, netlink):
# addresses, link up/down, an address and its local routes, route lookups, counters,
# `ip monitor`, refusals (unknown link kinds, deleting lo, no CAP_NET_ADMIN), and the
# same read-only output as Linux gives in a fresh network namespace (created here with
# `ip netns add` and removed at exit; nothing else on the host is touched: every change
# happens inside the sandbox's own netstack).
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-it-XXXXXX)
NS=cvisor-it-ip-$$
trap 'rm -rf "$W"; ip netns del "$NS" 2>/dev/null' EXIT

# sbx SCRIPT: runs SCRIPT with sh in a fresh sandbox without a network, output to stdout.
sbx() {
	timeout 60 "$CVISOR" do --network=none -- /bin/sh -c "$1" 2>&1
}

if ! command -v ip >/dev/null; then
	echo "1..0 # SKIP iproute2 not installed"
	exit 0
fi

out=$(sbx 'ip addr')
t_has "ip addr: lo is up" '^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN' "$out"
t_has "ip addr: 127.0.0.1/8 on lo" '^    inet 127\.0\.0\.1/8 scope host lo$' "$out"

out=$(sbx 'ip link set lo down && ip link && echo == && ip link set lo up && ip link')
t_has "ip link set lo down: flags" '^1: lo: <LOOPBACK> mtu 65536 .*state DOWN' "$out"
t_has "ip link set lo up: flags" '^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 .*state UNKNOWN' "$out"

out=$(sbx 'ip addr add 10.9.9.9/24 dev lo && ip addr show dev lo && ip route show table all &&
	echo == && ip route get 10.9.9.9 && ip route get 10.9.9.77')
t_has "ip addr add 10.9.9.9/24 dev lo" '^    inet 10\.9\.9\.9/24 scope global lo$' "$out"
# Linux puts a loopback address's prefix in the local table (fib_add_ifaddr), not main
t_has "ip route: the address's local route" '^local 10\.9\.9\.9 dev lo table local proto kernel scope host src 10\.9\.9\.9' "$out"
t_has "ip route: the prefix (loopback: local)" '^local 10\.9\.9\.0/24 dev lo table local proto kernel scope host src 10\.9\.9\.9' "$out"
t_has "ip route: the prefix broadcast" '^broadcast 10\.9\.9\.255 dev lo table local proto kernel scope link src 10\.9\.9\.9' "$out"
t_has "ip route get 10.9.9.9: local" '^local 10\.9\.9\.9 dev lo src 10\.9\.9\.9 uid 0' "$out"

out=$(sbx 'ip route add 10.20.0.0/16 dev lo && ip route && ip route get 10.20.1.1 &&
	ip route del 10.20.0.0/16 dev lo && echo == && ip route')
t_has "ip route add: shown in the main table" '^10\.20\.0\.0/16 dev lo scope link' "$out"
# (Linux picks no source here: 127.0.0.1 is host scope; the core's choice may differ)
t_has "ip route get through it" '^10\.20\.1\.1 dev lo (src [0-9.]+ )?uid 0' "$out"
t_expect "ip route del: main table empty again" 0 "" /bin/sh -c "printf '%s\n' \"\$1\" | sed -n '/^==/,\$p' | grep -q 10.20 && exit 1; exit 0" _ "$out"

out=$(sbx 'ip -s link')
t_has "ip -s link: RX counters" '^    RX: +bytes +packets +errors +dropped' "$out"
t_has "ip -s link: TX counters" '^    TX: +bytes +packets +errors +dropped' "$out"
if command -v python3 >/dev/null; then
	out=$(sbx 'python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((\"127.0.0.1\", 0)); s.sendto(b\"x\" * 100, s.getsockname()); s.recv(200)
" && ip -s link show lo')
	t_has "ip -s link: a loopback datagram is counted" '^ +142 +1 +0 +0 +0 +0' "$out"
fi

if command -v busybox >/dev/null; then
	out=$(sbx 'busybox ip addr; busybox ip link; busybox ip route add 10.30.0.0/16 dev lo; busybox ip route')
	t_has "busybox ip addr: lo" '^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536' "$out"
	t_has "busybox ip addr: 127.0.0.1/8" '^    inet 127\.0\.0\.1/8 scope host lo' "$out"
	t_has "busybox ip route add + show" '^10\.30\.0\.0/16 dev lo' "$out"
fi

out=$(sbx 'timeout 3 ip monitor address route > /tmp/mon.out 2>&1 &
	sleep 0.5; ip addr add 10.9.9.9/24 dev lo; ip addr del 10.9.9.9/24 dev lo; sleep 1; wait
	cat /tmp/mon.out')
t_has "ip monitor: the new address" '^1: lo +inet 10\.9\.9\.9/24 scope global lo$' "$out"
t_has "ip monitor: its local route" '^local 10\.9\.9\.9 dev lo table local proto kernel scope host' "$out"
t_has "ip monitor: the deletion" '^Deleted 1: lo +inet 10\.9\.9\.9/24 scope global lo$' "$out"

out=$(sbx 'ip link add dummy0 type dummy; echo rc=$?; ip link del lo; echo rc=$?;
	setpriv --reuid 65534 --regid 65534 --clear-groups ip link set lo down; echo rc=$?;
	ip addr add 10.1.1.1/33 dev lo; echo rc=$?')
t_has "ip link add of a kind we lack: Unknown device type" '^Error: Unknown device type\.$' "$out"
t_has "ip link del lo: not supported" '^RTNETLINK answers: Operation not supported$' "$out"
t_has "ip link set as nobody: not permitted" '^RTNETLINK answers: Operation not permitted$' "$out"
t_has "a bad prefix length is refused" '^Error: .*(prefix|Invalid).*|^rc=1$' "$out"

# The same answers as Linux in a fresh namespace with lo up (IPv4: no IPv6 here yet).
if ip netns add "$NS" 2>/dev/null && ip netns exec "$NS" ip link set lo up; then
	for cmd in 'ip link' 'ip -4 addr' 'ip -4 route show table all' 'ip route get 127.0.0.1' \
		'ip rule' 'ip -4 neigh' 'busybox ip -4 addr show dev lo'; do
		native=$(ip netns exec "$NS" sh -c "$cmd" 2>&1)
		sandboxed=$(sbx "$cmd")
		if [ "$native" == "$sandboxed" ]; then
			t_ok "as Linux: $cmd"
		else
			t_fail "as Linux: $cmd" "native: $native
cvisor: $sandboxed"
		fi
	done
else
	echo "# skipped the comparisons with Linux: cannot create a network namespace"
fi

t_done
