#!/bin/bash
# Docker's own networking with --runtime=cvisor: a private dockerd (own data root, socket
# and containerd namespace; no iptables) and a user-defined bridge network the test
# creates. The cvisor container gets the address Docker assigned (its netstack takes over
# the eth0 Docker put in its network namespace) and talks TCP to containers on the same
# bridge: runc -> cvisor, cvisor -> runc and cvisor -> cvisor. Traffic stays on that
# bridge. Needs root. Stops its dockerd by pid; removes the network and everything else.
. "$(dirname "$0")/lib.sh"

if ! command -v dockerd >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io >/dev/null 2>&1 ||
		{ echo "not ok 1 - install docker.io"; echo "0 passed, 1 failed"; exit 1; }
fi
W=$(mktemp -d /tmp/cvisor-dnet-XXXXXX)
SOCK=$W/docker.sock
NET=cvnet$$
D() { timeout 60 docker -H "unix://$SOCK" "$@"; }
DPID=
cleanup() {
	if [ -n "$DPID" ]; then
		D ps -aq 2>/dev/null | xargs -r docker -H "unix://$SOCK" rm -f >/dev/null 2>&1
		D network rm "$NET" >/dev/null 2>&1
		kill "$DPID" 2>/dev/null
		for i in $(seq 100); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	umount -R "$W/data" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

dockerd --data-root "$W/data" --exec-root "$W/exec" -H "unix://$SOCK" --pidfile "$W/dockerd.pid" \
	--iptables=false --ip-forward=false --ip-masq=false --userland-proxy=false --bridge=none \
	--storage-driver=vfs --containerd-namespace cvisor-dnet --containerd-plugins-namespace cvisor-dnet-plugins \
	--add-runtime "cvisor=$CVISOR" >"$W/dockerd.log" 2>&1 &
DPID=$!
for i in $(seq 300); do D version >/dev/null 2>&1 && break; sleep 0.1; done
if ! D version >/dev/null 2>&1; then
	t_fail "private dockerd" "$(tail -20 "$W/dockerd.log")"
	t_done
	exit 1
fi

I=$W/img
mkdir -p "$I/bin" "$I/etc" "$I/tmp" "$I/proc" "$I/sys" "$I/dev" "$I/www"
cp /bin/busybox "$I/bin/"
for a in sh echo cat ip nc httpd sleep; do ln -s busybox "$I/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$I/etc/passwd"
echo 'hello over the bridge' > "$I/www/index.html"
tar -C "$I" -c . | D import - cvisor-busybox:net >/dev/null || { t_fail "import image"; t_done; exit 1; }
SUB=10.$((100 + $$ % 100)).$(($$ / 100 % 250)).
D network create --subnet "${SUB}0/24" "$NET" >/dev/null 2>&1 && t_ok "user-defined bridge network" ||
	{ t_fail "user-defined bridge network" "$(D network create --subnet "${SUB}0/24" "$NET" 2>&1)"; t_done; exit 1; }
IMG=cvisor-busybox:net
SRV="httpd -f -p 80 -h /www"
# busybox wget would need glibc's NSS modules (absent from the image): an HTTP GET by nc
GET() { echo "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 $1 80 | tail -1"; }

# the address Docker assigned is the one the sandbox's netstack answers on
out=$(D run --rm --runtime=cvisor --network "$NET" --ip "${SUB}20" $IMG ip -4 -o addr show eth0 2>"$W/err")
echo "$out" | grep -q "inet ${SUB}20/24" && t_ok "cvisor container has Docker's address (${SUB}20)" ||
	t_fail "cvisor container has Docker's address (${SUB}20)" "$out $(grep -v "IPv4 forwarding" "$W/err")"

# runc server, cvisor client
D run -d --network "$NET" --ip "${SUB}10" --name srv-runc $IMG $SRV >/dev/null 2>&1
out=$(D run --rm --runtime=cvisor --network "$NET" $IMG sh -c "$(GET "${SUB}10")" 2>"$W/err")
[ "$out" == "hello over the bridge" ] && t_ok "cvisor -> runc container over TCP (HTTP by nc)" ||
	t_fail "cvisor -> runc container over TCP (HTTP by nc)" "$out $(grep -v "IPv4 forwarding" "$W/err")"

# cvisor server, runc and cvisor clients
D run -d --runtime=cvisor --network "$NET" --ip "${SUB}11" --name srv-cvisor $IMG $SRV >/dev/null 2>&1
ok=
for i in $(seq 50); do
	out=$(D run --rm --network "$NET" $IMG sh -c "$(GET "${SUB}11")" 2>"$W/err")
	[ "$out" == "hello over the bridge" ] && { ok=1; break; }
	sleep 0.2
done
[ -n "$ok" ] && t_ok "runc -> cvisor container over TCP (httpd in cvisor)" ||
	t_fail "runc -> cvisor container over TCP (httpd in cvisor)" "$out $(grep -v "IPv4 forwarding" "$W/err")"
out=$(D run --rm --runtime=cvisor --network "$NET" $IMG sh -c "$(GET "${SUB}11")" 2>"$W/err")
[ "$out" == "hello over the bridge" ] && t_ok "cvisor -> cvisor container over TCP" ||
	t_fail "cvisor -> cvisor container over TCP" "$out $(grep -v "IPv4 forwarding" "$W/err")"

t_done
