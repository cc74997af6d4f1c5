#!/bin/bash
# IPv4 forwarding inside `cvisor do`: the sandbox's namespace routes between two
# namespaces (`ip netns add`) on veths, only while /proc/sys/net/ipv4/ip_forward is 1
# (each namespace has its own); forwarded datagrams lose one TTL; ICMP time exceeded and
# net unreachable come back from the router; TCP crosses it (progs/net_echo.c);
# /proc/net/snmp counts ForwDatagrams. Everything happens inside the sandbox's own
# netstack (--network=none): nothing on the host is touched.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-it-fwd-XXXXXX)
trap 'rm -rf "$W"' EXIT

if ! command -v ip >/dev/null || ! command -v ping >/dev/null; then
	echo "1..0 # SKIP iproute2 or ping not installed"
	exit 0
fi
t_cc_prog net_echo "$W"

cat >"$W/router.sh" <<EOF
for i in 1 2; do
	ip netns add h\$i-$$
	ip link add r\$i type veth peer name e\$i
	ip link set e\$i netns h\$i-$$
	ip addr add 10.6\$i.0.1/24 dev r\$i
	ip link set r\$i up
	ip netns exec h\$i-$$ ip link set lo up
	ip netns exec h\$i-$$ ip addr add 10.6\$i.0.2/24 dev e\$i
	ip netns exec h\$i-$$ ip link set e\$i up
	ip netns exec h\$i-$$ ip route add default via 10.6\$i.0.1
done
echo "forward=\$(cat /proc/sys/net/ipv4/ip_forward)"
ip netns exec h1-$$ ping -c 1 -W 1 10.62.0.2 | grep transmitted | sed 's/^/off /'
echo 1 > /proc/sys/net/ipv4/ip_forward
echo "forward=\$(cat /proc/sys/net/ipv4/ip_forward) all=\$(cat /proc/sys/net/ipv4/conf/all/forwarding)"
echo "h1 forward=\$(ip netns exec h1-$$ cat /proc/sys/net/ipv4/ip_forward)"
ip netns exec h1-$$ ping -c 1 -W 3 10.62.0.2 | grep -E 'transmitted|bytes from' | sed 's/^/on /'
ip netns exec h1-$$ ping -c 1 -W 3 -t 1 10.62.0.2 | sed 's/^/ttl1 /'
ip netns exec h1-$$ ping -c 1 -W 3 10.99.0.1 | sed 's/^/noroute /'
ip netns exec h2-$$ $W/net_echo serve tcp 10.62.0.2 7201 >/dev/null &
sleep 0.5
ip netns exec h1-$$ $W/net_echo send tcp 10.62.0.2 7201 routed
wait
awk '/^Ip:/ { if (!h) { for (i = 1; i <= NF; i++) c[\$i] = i; h = 1 } else print "ForwDatagrams=" \$c["ForwDatagrams"] }' /proc/net/snmp
echo 0 > /proc/sys/net/ipv4/conf/all/forwarding
ip netns exec h1-$$ ping -c 1 -W 1 10.62.0.2 | grep transmitted | sed 's/^/off-again /'
EOF
out=$(timeout 90 "$CVISOR" do --network=none --net-raw -- /bin/sh -c ". $W/router.sh" 2>&1)
t_has "ip_forward is 0 at first" '^forward=0$' "$out"
t_has "no forwarding while it is 0" '^off 1 packets transmitted, 0 received' "$out"
t_has "echo 1 > ip_forward: conf/all/forwarding follows" '^forward=1 all=1$' "$out"
t_has "each namespace has its own ip_forward" '^h1 forward=0$' "$out"
t_has "ping through the router" '^on 1 packets transmitted, 1 received' "$out"
t_has "the reply lost one TTL on the way" '^on 64 bytes from 10\.62\.0\.2: icmp_seq=1 ttl=63' "$out"
t_has "TTL 1: time exceeded from the router" '^ttl1 From 10\.61\.0\.1 icmp_seq=1 Time to live exceeded' "$out"
t_has "no route: net unreachable from the router" '^noroute From 10\.61\.0\.1 icmp_seq=1 Destination Net Unreachable' "$out"
t_has "TCP through the router" '^echo:routed from 10\.62\.0\.2$' "$out"
t_has "/proc/net/snmp counts forwarded datagrams" '^ForwDatagrams=[1-9][0-9]*$' "$out"
t_has "conf/all/forwarding 0 stops it again" '^off-again 1 packets transmitted, 0 received' "$out"

t_done
