#!/bin/bash
# A Linux bridge inside `cvisor do` (issue 10, Docker's docker0 model): `ip link add br0
# type bridge` with an address of its own, two namespaces (`ip netns add`) each on a veth
# whose other end is a port (`ip link set vX master br0`); they ping each other and the
# bridge, exchange TCP (progs/net_echo.c); `ip -d link` and `bridge link` describe it;
# nomaster cuts a host off; deleting the bridge frees its ports; Docker's way of wiring a
# container (a namespace bind-mounted to a file, the end renamed eth0). Everything happens inside
# the sandbox's own netstack (--network=none): nothing on the host is touched.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-it-br-XXXXXX)
trap 'rm -rf "$W"' EXIT

if ! command -v ip >/dev/null || ! command -v bridge >/dev/null; then
	echo "1..0 # SKIP iproute2 not installed"
	exit 0
fi
t_cc_prog net_echo "$W"

cat >"$W/lan.sh" <<EOF
ip link add br0 type bridge || exit 1
ip link show br0
ip addr add 10.88.0.1/24 dev br0
ip link set br0 up
ip link show br0
for i in 1 2; do
	ip netns add h\$i-$$
	ip link add v\$i type veth peer name e\$i
	ip link set e\$i netns h\$i-$$
	ip link set v\$i master br0
	ip link set v\$i up
	ip netns exec h\$i-$$ ip link set lo up
	ip netns exec h\$i-$$ ip addr add 10.88.0.1\$i/24 dev e\$i
	ip netns exec h\$i-$$ ip link set e\$i up
done
ip -d link show br0
ip -d link show v1
bridge link
ip link show master br0 | grep -c '^[0-9]'
ip netns exec h1-$$ ping -c 1 -W 3 10.88.0.12 | grep transmitted | sed 's/^/h1->h2 /'
ip netns exec h2-$$ ping -c 1 -W 3 10.88.0.1 | grep transmitted | sed 's/^/h2->br /'
ping -c 1 -W 3 10.88.0.11 | grep transmitted | sed 's/^/br->h1 /'
ip netns exec h2-$$ $W/net_echo serve tcp 10.88.0.12 7101 >/dev/null &
sleep 0.5
ip netns exec h1-$$ $W/net_echo send tcp 10.88.0.12 7101 over-the-bridge
wait
bridge link set dev v1 hairpin on learning off cost 7
bridge -d link show dev v1
ip link set dev v1 type bridge_slave learning on
bridge -d link show dev v1 | sed 's/^/slave /'
bridge link set dev v1 guard on; echo "guard rc=\$?"
ip link set v2 nomaster
ip link show v2
ip netns exec h1-$$ ping -c 1 -W 1 10.88.0.12 | grep transmitted | sed 's/^/cut /'
ip link set v1 nomaster
ip link show br0 | sed 's/^/noports /'
ip link del br0 && echo deleted
ip link show v1
EOF
out=$(timeout 90 "$CVISOR" do --network=none --net-raw -- /bin/sh -c ". $W/lan.sh" 2>&1)
t_has "ip link add type bridge: down" '^2: br0: <BROADCAST,MULTICAST> mtu 1500 .*state DOWN' "$out"
t_has "up, never a port: carrier, state UNKNOWN (as Linux)" '^2: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 .*state UNKNOWN' "$out"
t_has "ip -d link: the bridge's parameters" '^ +bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0' "$out"
t_has "ip -d link: a port" '^ +bridge_slave state forwarding' "$out"
t_has "ip link: the port's master" '^[0-9]+: v1@if[0-9]+: <BROADCAST,MULTICAST,UP,LOWER_UP> .* master br0 state UP' "$out"
t_has "bridge link: the ports" '^[0-9]+: v2@if[0-9]+: .* master br0 state forwarding priority 32 cost 2' "$out"
t_has "ip link show master br0: two ports" '^2$' "$out"
t_has "host to host across the bridge" '^h1->h2 1 packets transmitted, 1 received' "$out"
t_has "host to the bridge's address" '^h2->br 1 packets transmitted, 1 received' "$out"
t_has "the bridge to a host" '^br->h1 1 packets transmitted, 1 received' "$out"
t_has "TCP across the bridge" '^echo:over-the-bridge from 10\.88\.0\.12$' "$out"
t_has "bridge link set: cost, hairpin, learning" '^ +hairpin on guard off root_block off fastleave off learning off flood on' "$out"
t_has "bridge link set: the cost shows" '^[0-9]+: v1@if[0-9]+: .* state forwarding priority 32 cost 7' "$out"
t_has "ip link set type bridge_slave learning on" '^slave +hairpin on .*learning on flood on' "$out"
t_has "a port setting we lack is refused" '^guard rc=255$' "$out"
t_has "nomaster: no master any more" '^[0-9]+: v2@if[0-9]+: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP' "$out"
t_has "nomaster: that host is cut off" '^cut 1 packets transmitted, 0 received' "$out"
t_has "its ports gone: no carrier, state DOWN (as Linux)" '^noports 2: br0: <NO-CARRIER,BROADCAST,MULTICAST,UP> .*state DOWN' "$out"
t_has "ip link del br0" '^deleted$' "$out"
t_has "its former ports stay" '^[0-9]+: v1@if[0-9]+: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP' "$out"

# Docker's way: a namespace kept by a bind mount of it (unshare --net=FILE), the container
# end moved there by path, renamed eth0, given a MAC, an address and a default route via
# the bridge; unmounting the last reference takes the pair away.
cat >"$W/docker.sh" <<EOF
ip link add dk0 type bridge && ip addr add 172.30.0.1/16 dev dk0 && ip link set dk0 up
touch $W/ns1 && unshare --net=$W/ns1 true || exit 1
ip link add vethh1 type veth peer name vethc1
ip link set vethc1 netns $W/ns1 && echo moved
ip link set vethh1 master dk0 && ip link set vethh1 up
nsenter --net=$W/ns1 sh -c "ip link set vethc1 name eth0 && ip link set eth0 address 02:42:ac:1e:00:02 &&
	ip addr add 172.30.0.2/16 dev eth0 && ip link set eth0 up && ip link set lo up &&
	ip route add default via 172.30.0.1 && ip -br link show eth0 && ip route show default &&
	ping -c 1 -W 3 172.30.0.1 | grep transmitted | sed 's/^/c->br /'"
ping -c 1 -W 3 172.30.0.2 | grep transmitted | sed 's/^/br->c /'
umount $W/ns1 && echo unmounted
ip link show master dk0 | grep -c '^[0-9]'
EOF
out=$(timeout 90 "$CVISOR" do --network=none --net-raw -- /bin/sh -c ". $W/docker.sh" 2>&1)
t_has "ip link set X netns FILE (a bind-mounted namespace)" '^moved$' "$out"
t_has "renamed eth0 there, with the MAC given" '^eth0@if[0-9]+ +UP +02:42:ac:1e:00:02 ' "$out"
t_has "its default route via the bridge" '^default via 172\.30\.0\.1 dev eth0' "$out"
t_has "container to bridge" '^c->br 1 packets transmitted, 1 received' "$out"
t_has "bridge to container" '^br->c 1 packets transmitted, 1 received' "$out"
t_has "the namespace unmounted: the pair is gone, the bridge has no port" '^0$' "$out"

t_done
