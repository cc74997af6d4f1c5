#!/bin/bash
# Raw and packet sockets in the sandbox (issue 7), inside `cvisor do` only (loopback, no
# host network): `ping -c 3 127.0.0.1` (iputils, raw ICMP socket) and busybox ping print
# three replies with --net-raw; without --net-raw, or without CAP_NET_RAW (a non-root
# user through setpriv, running a binary without file capabilities), raw and packet
# sockets answer EPERM, as runsc's.
. "$(dirname "$0")/lib.sh"

BB=$(command -v busybox)
PING=$(command -v ping)
PY=$(command -v python3)

# replies N OUTPUT: OUTPUT has N "bytes from 127.0.0.1" lines
replies() {
	[ "$(printf '%s\n' "$2" | grep -c 'bytes from 127.0.0.1')" -eq "$1" ]
}

if [ -n "$PING" ]; then
	out=$(cd / && timeout 60 "$CVISOR" --net-raw do -- "$PING" -c 3 -i 0.2 127.0.0.1 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && replies 3 "$out" && printf '%s' "$out" | grep -q '3 received'; then
		t_ok "iputils ping -c 3 127.0.0.1 with --net-raw: 3 replies"
	else
		t_fail "iputils ping -c 3 127.0.0.1 with --net-raw" "exit $rc: $out"
	fi
	# `cvisor do --net-raw` (the verb's flag) works as the global one
	out=$(cd / && timeout 60 "$CVISOR" do --net-raw -- "$PING" -c 1 127.0.0.1 2>&1)
	if [ $? -eq 0 ] && replies 1 "$out"; then
		t_ok "cvisor do --net-raw"
	else
		t_fail "cvisor do --net-raw" "$out"
	fi
else
	echo "ok # skip: iputils-ping not installed (scripts/setup.sh installs it)"
fi

if [ -n "$BB" ]; then
	out=$(cd / && timeout 60 "$CVISOR" --net-raw do -- "$BB" ping -c 3 127.0.0.1 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && replies 3 "$out"; then
		t_ok "busybox ping -c 3 127.0.0.1 with --net-raw: 3 replies"
	else
		t_fail "busybox ping -c 3 127.0.0.1 with --net-raw" "exit $rc: $out"
	fi
	# busybox has no file capabilities: without --net-raw its raw socket is refused
	out=$(cd / && timeout 60 "$CVISOR" do -- "$BB" ping -c 1 127.0.0.1 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && ! replies 1 "$out"; then
		t_ok "busybox ping without --net-raw fails"
	else
		t_fail "busybox ping without --net-raw fails" "exit $rc: $out"
	fi
fi

if [ -n "$PY" ]; then
	probe='
import errno, socket, sys
r = []
for fam, typ, proto in ((socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
                        (socket.AF_PACKET, socket.SOCK_RAW, 0x0300)):
    try:
        socket.socket(fam, typ, proto).close()
        r.append("ok")
    except OSError as e:
        r.append(errno.errorcode[e.errno])
print(" ".join(r))'
	t_expect "raw and packet sockets with --net-raw as root" 0 "ok ok" \
		"$CVISOR" --net-raw do -- "$PY" -c "$probe"
	t_expect "EPERM without --net-raw, even as root" 0 "EPERM EPERM" \
		"$CVISOR" do -- "$PY" -c "$probe"
	# the probe drops to uid 65534 itself (Linux clears the capabilities): no exec between
	t_expect "EPERM without CAP_NET_RAW (uid 65534), even with --net-raw" 0 "EPERM EPERM" \
		"$CVISOR" --net-raw do -- "$PY" -c "import os, socket, errno, sys
os.setresgid(65534, 65534, 65534); os.setresuid(65534, 65534, 65534)
$probe"
fi
t_done
