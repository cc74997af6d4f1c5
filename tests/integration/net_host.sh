#!/bin/bash
# --network=host (issue 7, netstack/hostinet.c): the app's TCP and UDP sockets are host
# sockets. Only loopback traffic: servers the test starts on the host's 127.0.0.1 (random
# ports) reached from `cvisor do --network=host` (TCP: python and busybox wget; UDP),
# servers inside the sandbox reached from the host (TCP: busybox httpd; UDP), blocking and
# non-blocking connects to a closed port, what host mode refuses (ping, raw and packet
# sockets), the host's rtnetlink read-only (`ip addr`, `ip route`; `ip link set`: EPERM),
# and `--network=none`, which must not reach the host's 127.0.0.1 server.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-nethost-XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
PY=/usr/bin/python3
BB=$(command -v busybox)
if [ ! -x "$PY" ]; then
	echo "ok 1 # skip: /usr/bin/python3 not installed"
	exit 0
fi

# Waits for file $1 to hold a line (a server's port); prints it.
wait_port() {
	local i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	head -n1 "$1"
}

# The host side: a TCP echo ("tcp:" + data), a UDP echo ("udp:" + data) and an HTTP file
# server, all on 127.0.0.1 with ports the kernel picks.
mkdir -p "$W/www"
head -c 200000 /dev/urandom > "$W/www/blob.bin"
echo "hello from the host" > "$W/www/index.html"
cat > "$W/host_srv.py" <<'EOF'
import socket, sys, threading, http.server, functools, os
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", 0)); t.listen(16)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
h = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
    http.server.SimpleHTTPRequestHandler, directory=sys.argv[1]))
h.RequestHandlerClass.log_message = lambda *a: None
print(t.getsockname()[1], u.getsockname()[1], h.server_address[1], flush=True)
def tcp():
    while True:
        c, _ = t.accept()
        data = b""
        while not data.endswith(b"\n"):
            d = c.recv(65536)
            if not d: break
            data += d
        c.sendall(b"tcp:" + data); c.close()
def udp():
    while True:
        d, a = u.recvfrom(65536); u.sendto(b"udp:" + d, a)
threading.Thread(target=tcp, daemon=True).start()
threading.Thread(target=udp, daemon=True).start()
h.serve_forever()
EOF
"$PY" "$W/host_srv.py" "$W/www" > "$W/host.ports" 2>"$W/host.err" &
PIDS+=($!)
read -r TP UP HP < <(wait_port "$W/host.ports")
if [ -z "$HP" ]; then
	t_fail "host servers started" "$(cat "$W/host.err")"
	t_done
	exit 1
fi

# 1. sandbox -> host, TCP (python: blocking connect, big send, reads to EOF)
out=$(timeout 60 "$CVISOR" do --network=host -- "$PY" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", '"$TP"'))
msg = b"x" * 300000 + b"\n"
s.sendall(msg)
got = b""
while True:
    d = s.recv(65536)
    if not d: break
    got += d
print("same" if got == b"tcp:" + msg else "differs %d" % len(got))
print(s.getpeername())' 2>&1)
if [ "$out" == "same
('127.0.0.1', $TP)" ]; then t_ok "sandbox -> host TCP echo (300 kB)"; else
	t_fail "sandbox -> host TCP echo (300 kB)" "$out"; fi

# 2. sandbox -> host, HTTP with busybox wget (file compared inside the sandbox)
if [ -n "$BB" ]; then
	out=$(timeout 60 "$CVISOR" do --network=host -- "$BB" sh -c '
		"'"$BB"'" wget -q -O /tmp/got http://127.0.0.1:'"$HP"'/blob.bin || echo "wget failed"
		"'"$BB"'" cmp /tmp/got "'"$W"'/www/blob.bin" && echo same' 2>&1)
	if [ "$out" == "same" ]; then t_ok "sandbox busybox wget <- host python http.server"; else
		t_fail "sandbox busybox wget <- host python http.server" "$out"; fi
fi

# 3. sandbox -> host, UDP (unconnected sendto/recvfrom, then connected send/recv)
out=$(timeout 60 "$CVISOR" do --network=host -- "$PY" -c '
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5)
u.sendto(b"ping", ("127.0.0.1", '"$UP"'))
d, a = u.recvfrom(100); print(d.decode(), a[1] == '"$UP"')
u.connect(("127.0.0.1", '"$UP"')); u.send(b"again"); print(u.recv(100).decode())' 2>&1)
if [ "$out" == "udp:ping True
udp:again" ]; then t_ok "sandbox -> host UDP echo"; else t_fail "sandbox -> host UDP echo" "$out"; fi

# 4. host -> sandbox, TCP: busybox httpd inside, curl/python outside
if [ -n "$BB" ]; then
	SP=$(( (RANDOM % 20000) + 30000 ))
	timeout 60 "$CVISOR" do --network=host -- "$BB" httpd -f -p 127.0.0.1:$SP -h "$W/www" \
		> "$W/httpd.log" 2>&1 &
	PIDS+=($!)
	out=""
	for i in $(seq 50); do
		out=$("$PY" -c '
import urllib.request
print(urllib.request.urlopen("http://127.0.0.1:'"$SP"'/index.html", timeout=5).read().decode(), end="")' 2>/dev/null) && break
		sleep 0.2
	done
	if [ "$out" == "hello from the host" ]; then t_ok "host -> sandbox busybox httpd"; else
		t_fail "host -> sandbox busybox httpd" "$out $(cat "$W/httpd.log")"; fi
fi

# 5. host -> sandbox, UDP: an echo server inside (port printed to the host's stdout)
timeout 60 "$CVISOR" do --network=host -- "$PY" -c '
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
print(u.getsockname()[1], flush=True)
d, a = u.recvfrom(100); u.sendto(b"sandbox:" + d, a)' > "$W/sbudp.port" 2>&1 &
PIDS+=($!)
SUP=$(wait_port "$W/sbudp.port")
out=$("$PY" -c '
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5)
u.sendto(b"hi", ("127.0.0.1", int("'"$SUP"'")))
print(u.recv(100).decode())' 2>&1)
if [ "$out" == "sandbox:hi" ]; then t_ok "host -> sandbox UDP echo"; else
	t_fail "host -> sandbox UDP echo" "$out"; fi

# 6. connects to a closed port: blocking ECONNREFUSED; non-blocking EINPROGRESS, then
#    POLLOUT and SO_ERROR ECONNREFUSED
CP=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
out=$(timeout 60 "$CVISOR" do --network=host -- "$PY" -c '
import socket, select, errno
s = socket.socket()
print(errno.errorcode[s.connect_ex(("127.0.0.1", '"$CP"'))])
s = socket.socket(); s.setblocking(False)
print(errno.errorcode[s.connect_ex(("127.0.0.1", '"$CP"'))])
select.select([], [s], [], 5)
print(errno.errorcode[s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)])' 2>&1)
if [ "$out" == "ECONNREFUSED
EINPROGRESS
ECONNREFUSED" ]; then t_ok "blocking and non-blocking connect to a closed port"; else
	t_fail "blocking and non-blocking connect to a closed port" "$out"; fi

# 7. what host mode refuses: ping and raw sockets (not relayed, as runsc's hostinet),
#    AF_PACKET, netlink protocols but NETLINK_ROUTE, SOCK_STREAM + UDP
out=$(timeout 60 "$CVISOR" do --network=host -- "$PY" -c '
import socket, errno
def try_(*a):
    try:
        socket.socket(*a); return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
print(try_(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP))
print(try_(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
print(try_(socket.AF_PACKET, socket.SOCK_RAW, 0))
print(try_(socket.AF_NETLINK, socket.SOCK_RAW, 15))
print(try_(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_UDP))
print(try_(socket.AF_NETLINK, socket.SOCK_RAW, 0))' 2>&1)
if [ "$out" == "EAFNOSUPPORT
EPERM
EPERM
EPROTONOSUPPORT
EPROTONOSUPPORT
ok" ]; then t_ok "host mode refuses ping, raw, packet, other netlink protocols"; else
	t_fail "host mode refuses ping, raw, packet, other netlink protocols" "$out"; fi

# 7b. the host's rtnetlink, read-only: `ip addr` and `ip route` as on the host; a change
#     (ip link set lo mtu) is refused (EPERM) and the host's lo keeps its MTU
IP=$(command -v ip)
if [ -n "$IP" ]; then
	native=$("$IP" -o addr; "$IP" route)
	sandboxed=$(timeout 60 "$CVISOR" do --network=host -- "$IP" -o addr 2>&1
		timeout 60 "$CVISOR" do --network=host -- "$IP" route 2>&1)
	if [ "$native" == "$sandboxed" ]; then t_ok "ip addr and ip route show the host's"; else
		t_fail "ip addr and ip route show the host's" "native: $native
sandbox: $sandboxed"; fi
	mtu=$(cat /sys/class/net/lo/mtu)
	out=$(timeout 60 "$CVISOR" do --network=host -- "$IP" link set lo mtu 1500 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && [ "$(cat /sys/class/net/lo/mtu)" == "$mtu" ] &&
		[[ "$out" == *"Operation not permitted"* ]]; then
		t_ok "ip link set refused (EPERM), host unchanged"
	else
		t_fail "ip link set refused (EPERM), host unchanged" "rc $rc: $out"
	fi
fi

# 8. IPv6 over ::1 when the host has it: a sandbox server, a host client
if "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
	timeout 60 "$CVISOR" do --network=host -- "$PY" -c '
import socket
t = socket.socket(socket.AF_INET6); t.bind(("::1", 0)); t.listen(1)
print(t.getsockname()[1], flush=True)
c, a = t.accept(); c.sendall(b"six:" + c.recv(100)); c.close()' > "$W/six.port" 2>&1 &
	PIDS+=($!)
	P6=$(wait_port "$W/six.port")
	out=$("$PY" -c '
import socket
s = socket.create_connection(("::1", int("'"$P6"'")), timeout=5); s.sendall(b"v6")
print(s.recv(100).decode())' 2>&1)
	if [ "$out" == "six:v6" ]; then t_ok "IPv6 host -> sandbox over ::1"; else
		t_fail "IPv6 host -> sandbox over ::1" "$out"; fi
else
	t_ok "IPv6 host -> sandbox over ::1 # skip: no ::1 on the host"
fi

# 9. --network=none does not reach the host's 127.0.0.1 server
out=$(timeout 60 "$CVISOR" do --network=none -- "$PY" -c '
import socket, errno
s = socket.socket(); s.settimeout(5)
r = s.connect_ex(("127.0.0.1", '"$TP"'))
print(errno.errorcode.get(r, r))' 2>&1)
if [ "$out" == "ECONNREFUSED" ]; then t_ok "--network=none cannot reach the host's 127.0.0.1"; else
	t_fail "--network=none cannot reach the host's 127.0.0.1" "$out"; fi

t_done
