#!/bin/bash
# iptables-legacy inside `cvisor --net-raw do` (the netstack's IPT_SO_* options, filter
# and nat tables, conntrack and NAT; netstack/README.md "netfilter"). Each script runs
# natively in a fresh network namespace (`unshare -n`: its own empty tables; the host's
# are never touched) and under cvisor, and both outputs must be equal: the ABI round
# trip (-A/-I/-D/-N/-X/-F/-P/-Z, -L -n -v, -S, iptables-legacy-save/-restore, the errors
# iptables prints), then enforcement over loopback (DROP, REJECT, counters, REDIRECT,
# DNAT, SNAT, MASQUERADE, an ICMP error translated back) with python3 sockets.
# NF_VERBOSE=1 prints cvisor's output of each case.
. "$(dirname "$0")/lib.sh"

IPT=$(command -v iptables-legacy)
PY=$(command -v python3)
if [ -z "$IPT" ] || ! command -v unshare >/dev/null || [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP: needs root, unshare and iptables-legacy (Debian's iptables)"
	exit 0
fi

# same NAME SCRIPT: SCRIPT's output natively (fresh netns, lo up) and under cvisor match.
same() {
	local name=$1 script=$2 native sandboxed rn rs
	native=$(cd / && timeout 120 unshare -n sh -c "ip link set lo up 2>/dev/null; $script" 2>&1)
	rn=$?
	sandboxed=$(cd / && timeout 120 "$CVISOR" --net-raw do -- sh -c "$script" 2>&1)
	rs=$?
	[ -n "${NF_VERBOSE:-}" ] && printf "%s\n" "$sandboxed" >&2
	if [ "$native" == "$sandboxed" ] && [ $rn -eq $rs ]; then
		t_ok "$name"
	else
		t_fail "$name" "$(diff <(printf '%s\n' "$native") <(printf '%s\n' "$sandboxed") | head -40)
(native exit $rn, cvisor exit $rs)"
	fi
}

# Every command prints its output and exit status; save output without its dated lines.
prelude='
ipt() { iptables-legacy "$@" 2>&1; echo "rc=$? for $*"; }
save() { iptables-legacy-save "$@" | grep -v "^#"; }
'

rules="$prelude"'
ipt -N DOCKER
ipt -N DOCKER-USER
ipt -A FORWARD -j DOCKER-USER
ipt -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
ipt -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
ipt -A FORWARD -o docker0 -j DOCKER
ipt -I INPUT -s 10.0.0.0/8 -d 192.168.1.1 -i eth+ -p udp --sport 53 --dport 1000:2000 -j DROP
ipt -A INPUT -p icmp --icmp-type echo-request -m state --state NEW,ESTABLISHED -j ACCEPT
ipt -A INPUT -p icmp ! --icmp-type 3/1 -j ACCEPT
ipt -A INPUT -p tcp ! --dport 22 --tcp-flags SYN,ACK SYN -j REJECT
ipt -A INPUT -p tcp --syn --tcp-option 2 -j ACCEPT
ipt -A INPUT -p tcp --dport 8080 -j REJECT --reject-with tcp-reset
ipt -A INPUT -p udp -j REJECT --reject-with icmp-host-prohibited
ipt -A INPUT -f -j DROP
ipt -A INPUT ! -s 127.0.0.1 -m conntrack ! --ctstate INVALID --ctproto 6 --ctorigdstport 80:90 --ctstatus ASSURED -j ACCEPT
ipt -A INPUT -m addrtype --src-type LOCAL --dst-type UNICAST,BROADCAST --limit-iface-in -j ACCEPT
ipt -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
ipt -A DOCKER-USER -j RETURN
ipt -A OUTPUT -m comment --comment "a comment" -j ACCEPT
ipt -A OUTPUT -p tcp -g DOCKER
ipt -P FORWARD DROP
ipt -D INPUT -f -j DROP
ipt -D INPUT 1
ipt -R INPUT 1 -p icmp -j ACCEPT
ipt -N TMP
ipt -E TMP TMP2
ipt -X TMP2
ipt -X DOCKER
ipt -A INPUT -j NOSUCHCHAIN
ipt -A INPUT -p udp -j REJECT --reject-with tcp-reset
ipt -P DOCKER ACCEPT
ipt -D INPUT 99
ipt -t nat -N DOCKER
ipt -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
ipt -t nat -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
ipt -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
ipt -t nat -A DOCKER -i docker0 -j RETURN
ipt -t nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
ipt -t nat -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
ipt -t nat -A OUTPUT -p tcp --dport 81 -j REDIRECT --to-ports 8081
ipt -t nat -A POSTROUTING -o eth0 -j SNAT --to-source 1.2.3.4:1000-2000
ipt -t nat -A POSTROUTING -p udp -j MASQUERADE --to-ports 3000-4000
ipt -t nat -A PREROUTING -p udp -j DNAT --to-destination 10.0.0.1-10.0.0.9
ipt -t nat -A INPUT -j SNAT --to-source 10.1.1.1
ipt -t nat -A INPUT -j DNAT --to-destination 10.1.1.1
ipt -t nat -A OUTPUT -j MASQUERADE
ipt -A INPUT -j DNAT --to-destination 10.1.1.1
ipt -t nat -A OUTPUT -j REJECT
ipt -L -n -v
ipt -L INPUT -n --line-numbers
ipt -S
ipt -S DOCKER
ipt -t nat -L -n -v -x
ipt -t nat -S
ipt -C INPUT -p tcp --dport 8080 -j REJECT --reject-with tcp-reset
ipt -C INPUT -p tcp --dport 8081 -j REJECT --reject-with tcp-reset
save
ipt -Z
ipt -F
ipt -X
ipt -t nat -F
ipt -t nat -X DOCKER
save -t filter
save -t nat
'
same "iptables-legacy: chains, rules, policies, errors, -L/-S/-C/-save" "$rules"

restore="$prelude"'
cat > /tmp/.nf_rules.$$ <<EOF
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT DROP [5:300]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
-A INPUT -j A
-A A -j B
-A B -p tcp -j RETURN
-A B -j ACCEPT
COMMIT
EOF
iptables-legacy-restore -c < /tmp/.nf_rules.$$; echo "restore rc=$?"
rm -f /tmp/.nf_rules.$$
save -c
printf "*filter\n-A INPUT -j C\n-A C -j INPUT\nCOMMIT\n" | iptables-legacy-restore -n 2>&1; echo "loop rc=$?"
printf "*filter\n:C - [0:0]\n-A INPUT -j C\n-A C -j INPUT\nCOMMIT\n" | iptables-legacy-restore -n 2>&1; echo "loop rc=$?"
save -t filter
'
same "iptables-legacy-restore -c, counters, a jump loop refused (ELOOP)" "$restore"

if [ -z "$PY" ]; then
	echo "ok # skip: python3 not installed (the traffic cases need it)"
	t_done
	exit
fi
PROBE=$(cd "$(dirname "$0")" && pwd)/progs/iptables_probe.py
# rule counters only (policies also count the stack's own ACKs and FINs)
counts="awk '\$1 ~ /^[0-9]+\$/ {print \$1, \$3, \$NF}'"

filter="$prelude"'
ipt -A INPUT -p tcp --dport 8080 -j REJECT --reject-with tcp-reset
ipt -A INPUT -p tcp --dport 8082 -j DROP
ipt -A INPUT -p udp --dport 9999 -j REJECT
ipt -A OUTPUT -p udp --dport 9998 -j DROP
ipt -A INPUT -p tcp --dport 8086 -m conntrack --ctstate NEW -j REJECT --reject-with tcp-reset
ipt -A OUTPUT -p tcp --dport 8088 -j REJECT --reject-with tcp-reset
ipt -A OUTPUT -p udp --dport 9996 -j REJECT --reject-with icmp-net-prohibited
python3 '"$PROBE"' listen 8080 8081 8082 8083 8086 8087 8088 udpserve 9999 9998 9997 9996 \
	tcp 8080 8081 8082 8086 8088 udp 9999 9997 9996 sendto 9998 hold 8087 \
	sh "iptables-legacy -I INPUT -p tcp --dport 8087 -m state --state NEW -j REJECT --reject-with tcp-reset" \
	held tcp 8087
iptables-legacy -L -n -v -x | '"$counts"'
'
same "filter: DROP times out, REJECT tcp-reset/port-unreachable refuse, OUTPUT DROP is EPERM, NEW vs ESTABLISHED, counters" "$filter"

policy='
iptables-legacy -L -n >/dev/null
python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((\"127.0.0.1\", 7000))
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5): c.sendto(b\"x\" * 10, (\"127.0.0.1\", 7000))
"
iptables-legacy -L -n -v -x | grep policy
'
same "policy counters of a table of built-in policies (5 datagrams, 190 bytes each way)" "$policy"

nat="$prelude"'
ip addr add 10.9.9.9/32 dev lo
ipt -t nat -A OUTPUT -p tcp -d 127.0.0.1 --dport 9090 -j DNAT --to-destination 127.0.0.1:8081
ipt -t nat -A OUTPUT -p tcp --dport 9091 -j REDIRECT --to-ports 8083
ipt -t nat -A OUTPUT -p tcp -d 127.0.0.5 --dport 80 -j DNAT --to-destination 127.0.0.1:8081
ipt -t nat -A POSTROUTING -p tcp -d 127.0.0.1 --dport 8084 -j SNAT --to-source 127.0.0.3
ipt -t nat -A OUTPUT -p udp --dport 5353 -j DNAT --to-destination 127.0.0.1:5354
ipt -t nat -A POSTROUTING -p udp --dport 5355 -j MASQUERADE
ipt -t nat -A POSTROUTING -p udp --dport 5356 -o lo -j MASQUERADE
ipt -t nat -A OUTPUT -p udp --dport 5357 -j DNAT --to-destination :5358
ipt -A INPUT -p tcp --dport 8081 -m conntrack --ctstate DNAT --ctorigdstport 9090 -j ACCEPT
python3 '"$PROBE"' listen 8081 8083 8084 udpserve 5354 5355 tcp 9090 9091 8084 8081 127.0.0.5:80 \
	udp 5353 5355 5357 sh "ip addr del 10.9.9.9/32 dev lo" udp 5356
iptables-legacy -t nat -L -n -v -x | '"$counts"'
iptables-legacy -L INPUT -n -v -x | '"$counts"'
'
same "nat: DNAT, REDIRECT, SNAT, MASQUERADE over loopback, replies translated back" "$nat"

# ---- through a NIC (--network=sandbox): Docker's -p 8080:80 ----
# Namespaces A (10.78.0.2, the sandbox side) and B (10.78.0.1) joined by a veth pair, as
# net_sandbox.sh. A's script runs natively in A, then under `cvisor do --network=sandbox`
# in A; B connects to A:8080 (PREROUTING DNAT to :80) and A:81 (REJECT tcp-reset), A
# connects to B:9001 and to its own A:9002 (OUTPUT DNAT to B's :9000: a connection to a
# local address leaves through eth0, so it needs the checksum loopback would not have).
# Both runs must see the same.
A=cvnfA$$
B=cvnfB$$
W=$(mktemp -d /tmp/cvisor-nf-XXXXXX)
cleanup() {
	for ns in "$A" "$B"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill $pids 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
if ! ip netns add "$A" 2>/dev/null; then
	echo "ok # skip: cannot create network namespaces"
	t_done
	exit
fi
ip netns add "$B"
ip link add "v$A" type veth peer name "v$B"
ip link set "v$A" netns "$A"
ip link set "v$B" netns "$B"
ip -n "$A" link set "v$A" name eth0
ip -n "$B" link set "v$B" name eth0
for ns in "$A" "$B"; do
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
done
ip -n "$B" addr add 10.78.0.1/24 dev eth0

side_a="$prelude"'
ipt -t nat -A PREROUTING -i eth0 -p tcp --dport 8080 -j DNAT --to-destination 10.78.0.2:80
ipt -t nat -A OUTPUT -p tcp -d 10.78.0.1 --dport 9001 -j DNAT --to-destination 10.78.0.1:9000
ipt -t nat -A OUTPUT -p tcp -d 10.78.0.2 --dport 9002 -j DNAT --to-destination 10.78.0.1:9000
ipt -A INPUT -i eth0 -p tcp --dport 80 -m conntrack --ctstate NEW --ctorigdstport 8080 -j ACCEPT
ipt -A INPUT -i eth0 -p tcp --dport 81 -j REJECT --reject-with tcp-reset
python3 '"$PROBE"' listen 80 81 sh "sleep 4" tcpretry 10.78.0.1:9001 tcp 10.78.0.2:9002
iptables-legacy -t nat -L -n -v -x | '"$counts"'
iptables-legacy -L INPUT -n -v -x | '"$counts"'
'
# pair NATIVE|CVISOR: A's and B's outputs, one after the other
pair() {
	ip -n "$A" addr replace 10.78.0.2/24 dev eth0
	ip -n "$A" route replace default via 10.78.0.1
	ip netns exec "$B" timeout 60 python3 "$PROBE" listen 9000 sh "sleep 1" \
		tcpretry 10.78.0.2:8080 tcp 10.78.0.2:81 sh "sleep 7" >"$W/b.out" 2>&1 &
	local bpid=$!
	if [ "$1" = native ]; then
		ip netns exec "$A" timeout 60 sh -c "$side_a" >"$W/a.out" 2>&1
		ip netns exec "$A" sh -c 'iptables-legacy -F; iptables-legacy -t nat -F'
	else
		ip netns exec "$A" timeout 60 "$CVISOR" --net-raw do --network=sandbox -- \
			sh -c "$side_a" >"$W/a.out" 2>&1
	fi
	wait $bpid
	cat "$W/a.out"
	echo "-- B:"
	cat "$W/b.out"
}
native=$(pair native)
sandboxed=$(pair cvisor)
want="tcp 10.78.0.1:9001: answer 9000 10.78.0.2 (peer port 9001)
tcp 10.78.0.2:9002: answer 9000 10.78.0.2 (peer port 9002)
tcp 10.78.0.2:8080: answer 80 10.78.0.1 (peer port 8080)
tcp 10.78.0.2:81: ECONNREFUSED"
missing=$(printf '%s\n' "$want" | grep -vxF -f <(printf '%s\n' "$native"))
if [ -n "$missing" ]; then
	t_fail "through a NIC: the native run itself (the test's set-up)" "missing: $missing
$native"
elif [ "$native" == "$sandboxed" ]; then
	t_ok "through a NIC: PREROUTING DNAT (-p 8080:80), REJECT tcp-reset, OUTPUT DNAT (also of a local address), counters"
else
	t_fail "through a NIC: PREROUTING DNAT (-p 8080:80), REJECT tcp-reset, OUTPUT DNAT (also of a local address), counters" \
		"$(diff <(printf '%s\n' "$native") <(printf '%s\n' "$sandboxed") | head -40)"
fi
[ -n "${NF_VERBOSE:-}" ] && printf '%s\n' "$sandboxed" >&2

t_done
