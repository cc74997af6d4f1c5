#!/bin/bash
# Docker's defaults inside `cvisor --net-raw do` (issue 10, stage 2): Debian's dockerd 20.10
# started with no flags (an empty config file; data root on a tmpfs; /run a fresh tmpfs)
# makes the default bridge network (docker0 through netlink, iptables-legacy rules through
# IPT_SO_SET_REPLACE, ip_forward), runs containers on it (address, default route via
# docker0, MASQUERADE toward a namespace outside), on a user network whose containers reach
# each other by name (the embedded DNS on 127.0.0.11, DNAT in the container's namespace)
# and not across networks (DOCKER-ISOLATION), publishes -p 8080:80 (docker-proxy on
# 127.0.0.1, DNAT on the bridge address and from outside), and builds with a RUN step on
# overlay2; then dockerd with userland-proxy off (127.0.0.1:8080 by DNAT, route_localnet).
# Inner images come from local files (busybox-static, `docker import`); dockerd
# finds iptables-legacy first on its PATH (a directory of symlinks made inside the sandbox:
# the host's alternatives are not touched). Everything runs in one sandbox on its own
# netstack (--network=none: nothing on the host's network), its writes in its memory.
# Needs root, docker.io, iptables (legacy), iproute2 and busybox-static. About 15 s.
. "$(dirname "$0")/lib.sh"

for p in dockerd docker containerd runc iptables-legacy ip busybox; do
	command -v $p >/dev/null || {
		echo "1..0 # SKIP $p not installed (docker.io, iptables, iproute2, busybox-static)"
		echo "0 passed, 0 failed"
		exit 0
	}
done
BUSYBOX=$(command -v busybox)
file -L "$BUSYBOX" 2>/dev/null | grep -q "statically linked" || BUSYBOX=/bin/busybox
file -L "$BUSYBOX" 2>/dev/null | grep -q "statically linked" || {
	echo "1..0 # SKIP no statically linked busybox (busybox-static)"
	echo "0 passed, 0 failed"
	exit 0
}

W=$(mktemp -d /tmp/cvisor-dk2-XXXXXX)
trap 'rm -rf "$W"' EXIT
host_mounts() { grep -E " (/tmp/cvisor-dk2-[^ ]*|/sys/fs/cgroup[^ ]*|/run[^ ]*|/var/lib/docker[^ ]*) " /proc/self/mountinfo | sort; }
BEFORE=$(host_mounts)

# the inner image: busybox, a page and a CGI that prints the client's address
R=$W/img
mkdir -p "$R/bin" "$R/etc" "$R/www/cgi-bin" "$R/tmp"
cp "$BUSYBOX" "$R/bin/busybox"
for a in sh echo cat ls mkdir ip nc httpd nslookup sleep hostname env; do ln -s busybox "$R/bin/$a"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$R/etc/passwd"
echo 'root:x:0:' >"$R/etc/group"
echo hello-from-srv >"$R/www/index.html"
printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "client=$REMOTE_ADDR"\n' >"$R/www/cgi-bin/ip"
chmod 755 "$R/www/cgi-bin/ip"
cp -r "$R/www" "$W/extwww"
echo '{}' >"$W/daemon.json"
mkdir -p "$W/ctx"
cat >"$W/ctx/Dockerfile" <<'EOF'
FROM img:1
RUN mkdir -p /data && echo built-by-run >/data/f && echo more >>/data/f
RUN rm /www/index.html && echo second-layer >/data/g
CMD ["sh", "-c", "cat /data/f /data/g; ls /www"]
EOF

cat >"$W/inside.sh" <<'EOF'
set -u
W=$1
res() { echo "RESULT $1 $2 $(printf '%s' "$3" | tr '\n' '|' | head -c 600)"; }
# GET PATH from HOST PORT with busybox nc (busybox-static's wget crashes natively)
get() { printf 'GET %s HTTP/1.0\r\n\r\n' "$3" | timeout 10 busybox nc -w 5 "$1" "$2" 2>&1 | tail -1; }
mount -t tmpfs run /run && mkdir -p /run/netns /var/lib/docker &&
	mount -t tmpfs docker /var/lib/docker || { res setup fail "tmpfs mounts"; exit 0; }
mkdir -p /sys/fs/cgroup
mount -t cgroup2 none /sys/fs/cgroup || { res setup fail "cgroup2 mount"; exit 0; }
# iptables-legacy first on dockerd's PATH
mkdir -p /run/legacy-bin
for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
	ln -s "/usr/sbin/${t%%tables*}tables-legacy${t#*tables}" "/run/legacy-bin/$t"
done
export PATH=/run/legacy-bin:$PATH
res setup ok "$(iptables --version)"

dockerd --config-file "$W/daemon.json" >/run/dockerd.log 2>&1 &
dpid=$!
t0=$(date +%s%N)
for i in $(seq 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
info=$(docker info 2>&1)
echo "dockerd ready in $((($(date +%s%N) - t0) / 1000000)) ms"
case "$info" in *"Storage Driver: overlay2"*"Native Overlay Diff: true"*"Cgroup Version: 2"*)
	res info ok "" ;; *) res info fail "$info $(tail -20 /run/dockerd.log)"; exit 0 ;; esac
res docker0 ok "$(ip -o -4 addr show docker0)"
res fwd ok "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"
res nat ok "$(iptables -t nat -S)"
res filter ok "$(iptables -S)"
ip link set lo up

tar -C "$W/img" -c . | docker import - img:1 >/dev/null || res import fail "docker import"
out=$(docker run --rm img:1 sh -c 'echo hi; ip -o -4 addr show eth0; ip route' 2>&1)
res run ok "$out"

# an outside network: namespace ext behind a veth, reached through MASQUERADE
ip netns add ext
ip link add vout type veth peer name vext
ip link set vext netns ext
ip addr add 10.77.0.1/24 dev vout
ip link set vout up
ip netns exec ext ip link set lo up
ip netns exec ext ip addr add 10.77.0.2/24 dev vext
ip netns exec ext ip link set vext up
ip netns exec ext ip route add default via 10.77.0.1
ip netns exec ext busybox httpd -p 10.77.0.2:80 -h "$W/extwww"
out=$(docker run --rm img:1 sh -c "printf 'GET /cgi-bin/ip HTTP/1.0\r\n\r\n' | nc -w 5 10.77.0.2 80 | tail -1" 2>&1)
res masq ok "$out"

# two containers on the default bridge by address
docker run -d --name b1 img:1 httpd -f -p 80 -h /www >/dev/null
b1ip=$(docker inspect -f '{{.NetworkSettings.IPAddress}}' b1)
out=$(docker run --rm img:1 sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 $b1ip 80 | tail -1" 2>&1)
res bridge_peer ok "$b1ip $out"

# a user network: by name through the embedded DNS
docker network create n1 >/dev/null
n1id=$(docker network inspect -f '{{.Id}}' n1)
echo "N1BRIDGE br-$(printf '%.12s' "$n1id")"
docker run -d --name srv --network n1 img:1 httpd -f -p 80 -h /www >/dev/null
out=$(docker run --rm --network n1 img:1 sh -c 'cat /etc/resolv.conf; nslookup srv 2>&1; printf "GET / HTTP/1.0\r\n\r\n" | nc -w 5 srv 80 | tail -1' 2>&1)
res dns ok "$out"
# the embedded DNS's DNAT rules, in the container's own namespace
docker run -d --name cli --network n1 img:1 sleep 60 >/dev/null
res dns_nat ok "$(nsenter --net="$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' cli)" iptables -t nat -S 2>&1)"
docker rm -f cli >/dev/null
out=$(docker run --rm --network n1 img:1 sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 $b1ip 80 | tail -1; echo rc=\$?" 2>&1)
res isolation ok "$out"

# a published port
docker run -d --name pub -p 8080:80 img:1 httpd -f -p 80 -h /www >/dev/null
sleep 0.5
res pub_lo ok "$(get 127.0.0.1 8080 /cgi-bin/ip)"
res pub_proxy ok "$(ps -eo args | grep '^/usr/sbin/docker-proxy' | head -1)"
res pub_br ok "$(get 172.17.0.1 8080 /cgi-bin/ip)"
res pub_ext ok "$(ip netns exec ext sh -c "printf 'GET /cgi-bin/ip HTTP/1.0\r\n\r\n' | busybox nc -w 5 10.77.0.1 8080 | tail -1")"
res pub_count ok "$(iptables -t nat -L DOCKER -v -n -x | grep 'dpt:8080')"

# docker build with RUN steps on overlay2
t0=$(date +%s%N)
out=$(DOCKER_BUILDKIT=0 docker build -q -t built:1 "$W/ctx" 2>&1) && out=$(docker run --rm built:1 2>&1)
echo "docker build + run in $((($(date +%s%N) - t0) / 1000000)) ms"
res build ok "$out"
res build_driver ok "$(docker image inspect -f '{{.GraphDriver.Name}}' built:1)"

docker rm -f b1 srv pub >/dev/null 2>&1
docker network rm n1 >/dev/null
res cleanup ok "$(ip -o link show | grep -c veth) veths; $(iptables -t nat -S DOCKER | grep -c DNAT) DNAT rules"
kill $dpid
wait $dpid
res stop ok "exit $?"
grep -E 'level=(error|fatal)' /run/dockerd.log | head -5 | sed 's/^/DOCKERD /'

# again without the userland proxy: 127.0.0.1:8080 by DNAT (route_localnet on docker0)
echo '{"userland-proxy": false}' >/run/noproxy.json
dockerd --config-file /run/noproxy.json >/run/dockerd2.log 2>&1 &
dpid=$!
for i in $(seq 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
docker run -d --name pub2 -p 8080:80 img:1 httpd -f -p 80 -h /www >/dev/null
sleep 0.5
res noproxy ok "localnet=$(cat /proc/sys/net/ipv4/conf/docker0/route_localnet) $(ps -eo args | grep -c '^/usr/sbin/docker-proxy') $(get 127.0.0.1 8080 /cgi-bin/ip)"
docker rm -f pub2 >/dev/null
kill $dpid
wait $dpid
grep -E 'level=(error|fatal)' /run/dockerd2.log | head -5 | sed 's/^/DOCKERD /'
EOF

T0=$(date +%s)
OUT=$(timeout -k 10 240 "$CVISOR" --net-raw do --network=none -- /bin/bash "$W/inside.sh" "$W" 2>&1)
RC=$?
echo "# the sandbox ran for $(($(date +%s) - T0)) s (exit $RC)"
printf '%s\n' "$OUT" | grep -E '^(dockerd ready|docker build|DOCKERD)' | sed 's/^/# /'
[ $RC -eq 0 ] || t_fail "the sandbox ran the script (exit $RC)" "$(printf '%s\n' "$OUT" | tail -30)"

# check NAME DESCRIPTION REGEX: the RESULT line of step NAME is ok and matches REGEX
check() {
	local line
	line=$(printf '%s\n' "$OUT" | grep "^RESULT $1 " | head -1)
	case "$line" in
	"RESULT $1 ok"*) printf '%s\n' "$line" | grep -Eq -- "$3" && t_ok "$2" ||
		t_fail "$2" "no match for '$3' in: $line" ;;
	*) t_fail "$2" "${line:-no result; output: $(printf '%s\n' "$OUT" | tail -20)}" ;;
	esac
}
check setup "iptables-legacy first on the sandbox's PATH" 'legacy'
check info "dockerd with no flags: docker info says overlay2 with native diff, cgroup v2" ''
check docker0 "docker0 has 172.17.0.1/16" 'docker0 +inet 172\.17\.0\.1/16'
check fwd "dockerd turned ip_forward on" 'ip_forward=1'
check nat "nat table: DOCKER chain and MASQUERADE of 172.17.0.0/16" \
	'-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER.*-A POSTROUTING -s 172\.17\.0\.0/16 ! -o docker0 -j MASQUERADE'
check filter "filter table: FORWARD policy DROP, DOCKER-USER and isolation chains" \
	'-P FORWARD DROP.*-A FORWARD -j DOCKER-USER.*-A FORWARD -j DOCKER-ISOLATION-STAGE-1'
check run "docker run on the default bridge: output, an address, default route via docker0" \
	'^RESULT run ok hi\|[0-9]+: eth0 +inet 172\.17\.0\.[0-9]+/16.*default via 172\.17\.0\.1 dev eth0'
check masq "a container reaches a namespace outside, masqueraded to the outer address" \
	'client=10\.77\.0\.1$'
check bridge_peer "two containers on the default bridge talk by address" 'hello-from-srv'
check dns "a user network: resolv.conf names 127.0.0.11, which answers; HTTP to the name" \
	'nameserver 127\.0\.0\.11.*Name:[[:space:]]*srv\|Address: 172\.[0-9.]+\|.*hello-from-srv$'
check dns_nat "in the container's namespace, DNAT of 127.0.0.11:53 to the embedded DNS" \
	'-A DOCKER_OUTPUT -d 127\.0\.0\.11/32 -p udp -m udp --dport 53 -j DNAT --to-destination 127\.0\.0\.11:[0-9]+'
check isolation "no traffic from the user network to the default bridge (DOCKER-ISOLATION)" \
	'ok nc: timed out\|rc=[0-9]*$'
check pub_lo "-p 8080:80: 127.0.0.1:8080 answers through docker-proxy" 'client=172\.17\.0\.1$'
check pub_proxy "docker-proxy runs for it" 'docker-proxy .*-host-port 8080'
check pub_br "-p 8080:80: the bridge address answers (OUTPUT DNAT)" 'client=172\.17\.0\.1$'
check pub_ext "-p 8080:80 from outside: DNAT keeps the client's address" 'client=10\.77\.0\.2$'
check pub_count "the DNAT rule counted those two connections" '^RESULT pub_count ok +[2-9][0-9]* +[0-9]+ +DNAT +(tcp|6) '
check build "docker build: RUN steps write files in two layers, the image runs" \
	'built-by-run\|more\|second-layer\|cgi-bin$'
check build_driver "the image is on overlay2" 'overlay2$'
check cleanup "after rm -f and network rm: no veth, no DNAT rule left" '0 veths; 0 DNAT rules'
check stop "dockerd stops on SIGTERM" 'exit 0'
check noproxy "userland-proxy false: route_localnet 1 on docker0, no docker-proxy, 127.0.0.1:8080 by DNAT" \
	'localnet=1 0 client=172\.17\.0\.1$'
N1BR=$(printf '%s\n' "$OUT" | sed -n 's/^N1BRIDGE //p')
[ -n "$N1BR" ] && ! ip link show "$N1BR" >/dev/null 2>&1 &&
	t_ok "the host has no $N1BR interface" || t_fail "the host has no ${N1BR:-br-?} interface"
[ "$BEFORE" == "$(host_mounts)" ] && t_ok "the host's mount table is unchanged" ||
	t_fail "the host's mount table is unchanged"
t_done
