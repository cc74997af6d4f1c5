#!/bin/bash
# veth pairs between netstack instances inside `cvisor do` (issue 9: an inner container's
# own network): `ip link add type veth peer`, carrier following the peer, `ip -d link`,
# moving an end with `ip link set X netns NAME` (`ip netns add`: a bind mount of
# /proc/self/ns/net) and `netns PID` (`unshare --net`), the move taking the addresses
# away, then ARP, ping, TCP and UDP (progs/net_echo.c) across, and deletion removing both
# ends. A new namespace's lo gets 127.0.0.1 when brought up. Everything happens inside
# the sandbox's own netstack (--network=none): nothing on the host is touched.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-it-veth-XXXXXX)
trap 'rm -rf "$W"' EXIT
NS=c$$

if ! command -v ip >/dev/null || ! command -v unshare >/dev/null; then
	echo "1..0 # SKIP iproute2 or util-linux not installed"
	exit 0
fi
t_cc_prog net_echo "$W"

# sbx SCRIPT: SCRIPT under sh in a fresh sandbox (raw sockets allowed: ping), stdout+err.
sbx() {
	timeout 90 "$CVISOR" do --network=none --net-raw -- /bin/sh -c "$1" 2>&1
}

out=$(sbx 'unshare --net sh -c "ip addr show lo; echo ==; ip link set lo up; ip addr show lo"')
t_has "a new namespace's lo: down, no address" '^1: lo: <LOOPBACK> .*state DOWN' "$out"
t_has "ip link set lo up: 127.0.0.1/8 appears" '^    inet 127\.0\.0\.1/8 scope host lo$' "$out"

out=$(sbx 'ip link add va type veth peer name vb && ip -d link show va && ip link show vb &&
	ip link set va up && echo == && ip link show va && ip link set vb up && echo == &&
	ip link show va && ip link show type veth | grep -c "^[0-9]"')
t_has "ip link add type veth: the peer first, named" '^2: vb@va: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 .*state DOWN' "$out"
t_has "ip -d link: va@vb, kind veth" '^ +veth ' "$out"
t_has "one end up, peer down: NO-CARRIER, LOWERLAYERDOWN" '^3: va@vb: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> .*state LOWERLAYERDOWN' "$out"
t_has "both up: LOWER_UP, state UP" '^3: va@vb: <BROADCAST,MULTICAST,UP,LOWER_UP> .*state UP' "$out"
t_has "ip link show type veth lists both" '^2$' "$out"

out=$(sbx "ip link add va type veth peer name va; echo rc=\$?; ip link add lo type veth peer name vz; echo rc=\$?;
	ip link add vx type dummy; echo rc=\$?; ip link del lo; echo rc=\$?; ip link | grep -c '^[0-9]'")
t_has "a peer with the device's own name: File exists" 'RTNETLINK answers: File exists' "$out"
t_has "ip link add of an unknown kind: refused" '(Unknown device type|Operation not supported)' "$out"
t_has "lo cannot be deleted" 'RTNETLINK answers: Operation not supported' "$out"
t_has "failed creations leave nothing (lo only)" '^1$' "$out"

# the whole two-namespace exchange in one sandbox
cat >"$W/pair.sh" <<EOF
set -x
ip link add va type veth peer name vb || exit 1
ip addr add 10.77.0.2/24 dev vb
ip netns add $NS || exit 1
ip link set vb netns $NS || exit 1
ip link show vb 2>&1 | head -1
ip netns exec $NS ip addr show vb
ip netns exec $NS ip link set lo up
ip netns exec $NS ip addr add 10.77.0.2/24 dev vb
ip netns exec $NS ip link set vb up
ip addr add 10.77.0.1/24 dev va
ip link set va up
ip link show va
ping -c 2 -W 3 10.77.0.2
ip netns exec $NS ping -c 1 -W 3 10.77.0.1
ip neigh show dev va
ip netns exec $NS $W/net_echo serve tcp 10.77.0.2 7001 > $W/srv.tcp &
sleep 0.5
$W/net_echo send tcp 10.77.0.2 7001 hello-tcp
wait
cat $W/srv.tcp
$W/net_echo serve udp 10.77.0.1 7002 > $W/srv.udp &
sleep 0.5
ip netns exec $NS $W/net_echo send udp 10.77.0.1 7002 hello-udp
wait
ip netns exec $NS ip link set lo netns 1
ip link del va && echo deleted
ip link show va
ip netns exec $NS ip link show vb
ip netns exec $NS ip link | grep -c '^[0-9]'
EOF
out=$(sbx ". $W/pair.sh")
t_has "ip link set vb netns NAME: gone from here" 'Device "vb" does not exist' "$out"
t_hasnt "the move took vb's address away" 'inet 10\.77\.0\.2/24 brd 10\.77\.0\.255 scope global vb' \
	"$(printf '%s\n' "$out" | sed -n '/ip netns exec c[0-9]* ip addr show vb/,/ip netns exec c[0-9]* ip link set lo up/p')"
t_has "the moved end names its peer by index" '^3: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> .*state UP' "$out"
t_has "ping across the pair" '^2 packets transmitted, 2 received, 0% packet loss' "$out"
t_has "ping back from the child namespace" '^1 packets transmitted, 1 received, 0% packet loss' "$out"
t_has "ARP learnt the peer" '^10\.77\.0\.2 lladdr ([0-9a-f]{2}:){5}[0-9a-f]{2} (REACHABLE|STALE)' "$out"
t_has "TCP across the pair" '^echo:hello-tcp from 10\.77\.0\.2$' "$out"
t_has "UDP across the pair" '^echo:hello-udp from 10\.77\.0\.1$' "$out"
t_has "lo cannot move: Invalid argument" 'RTNETLINK answers: Invalid argument' "$out"
t_has "ip link del va" '^deleted$' "$out"
t_has "both ends are gone" 'Device "va" does not exist' "$out"
t_has "the peer in the child namespace too" 'Device "vb" does not exist' "$out"

# netns PID: the namespace of an `unshare --net` process, entered with nsenter
cat >"$W/pid.sh" <<EOF
unshare --net sleep 20 &
pid=\$!
sleep 0.5
ip link add vc type veth peer name vd netns \$pid || exit 1
nsenter -t \$pid -n ip link set lo up
nsenter -t \$pid -n ip addr add 10.78.0.2/24 dev vd
nsenter -t \$pid -n ip link set vd up
ip addr add 10.78.0.1/24 dev vc
ip link set vc up
ping -c 1 -W 3 10.78.0.2
ip link set vc netns \$pid && echo moved
nsenter -t \$pid -n ip -br link
kill \$pid
wait
sleep 0.2
ip link | grep -c '^[0-9]'
EOF
out=$(sbx ". $W/pid.sh")
t_has "veth peer created in netns PID; ping" '^1 packets transmitted, 1 received, 0% packet loss' "$out"
t_has "ip link set vc netns PID" '^moved$' "$out"
t_has "both ends in that namespace" '^vc@vd +DOWN' "$out"
t_has "its last process gone: the pair is gone with it (lo only)" '^1$' "$out"

# a user namespace's root configures the network namespace it owns, not the sandbox's
out=$(sbx 'su nobody -s /bin/sh -c "unshare --user --map-root-user --net sh -c \"
	ip link add va type veth peer name vb netns 1; echo rc=\\\$?;
	ip link add va type veth peer name vb && ip link show type veth | grep -c @\""; ip link | grep -c "^[0-9]"')
t_has "user namespace root: no veth end into the sandbox's namespace" 'RTNETLINK answers: Operation not permitted' "$out"
t_has "user namespace root: a veth pair in its own namespace" '^2$' "$out"
t_has "the sandbox's namespace is untouched (lo only)" '^1$' "$out"

# namespace ids: a veth whose peer is elsewhere names its namespace (link-netns), ip netns
# list shows the ids given, ip netns set assigns one, a dead namespace's id goes
out=$(sbx "ip netns add a1-$$ && ip netns add a2-$$ && ip link add va type veth peer name vb netns a1-$$ &&
	ip link show va && ip netns list && ip netns exec a1-$$ ip link show vb && ip netns set a2-$$ 7 &&
	ip netns list-id && ip netns set a2-$$ 8; ip netns del a1-$$; ip netns list-id")
t_has "the peer's namespace by name: link-netns" "^ +link/ether .* link-netns a1-$$\$" "$out"
t_has "ip netns list: the id given" "^a1-$$ \\(id: 0\\)\$" "$out"
t_has "seen from there: link-netnsid" '^ +link/ether .* link-netnsid 0$' "$out"
t_has "ip netns set NAME 7" "^nsid 7 \\(iproute2 netns name: a2-$$\\)\$" "$out"
t_has "a second id for the same namespace: refused" '^Error: Peer netns already has a nsid assigned\.$' "$out"
t_hasnt "a deleted namespace loses its id" '^nsid 0 ' "$(printf '%s\n' "$out" | tail -1)"

t_done
