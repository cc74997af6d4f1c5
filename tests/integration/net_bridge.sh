#!/bin/bash
# A Linux bridge inside `cvisor do` (issue 10, Docker's docker0 model): `ip link add br0
# type bridge` with an address of its own, two namespaces (`ip netns add`) each on a veth
# whose other end is a port (`ip link set vX master br0`); they ping each other and the
# bridge, exchange TCP (progs/net_echo.c); `ip -d link` and `bridge link` describe it;
# nomaster cuts a host off; deleting the bridge frees its ports. Everything happens inside
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

t_done
