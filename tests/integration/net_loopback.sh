#!/bin/bash
# TCP over the sandbox's loopback (issue 7), inside `cvisor do` only (no host network):
# busybox httpd served to busybox wget over 127.0.0.1 (files compared), busybox nc both
# ways, and tests/integration/progs/tcp_stress.c: 100 concurrent connections moving 100
# MiB with every byte checked, which must finish well under a minute.
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/cvisor-netlo-XXXXXX)
trap 'rm -rf "$W"' EXIT
BB=$(command -v busybox)

if [ -z "$BB" ]; then
	echo "ok 1 # skip: busybox not installed"
	exit 0
fi

# The files to serve: small, odd-sized, and a few MiB.
mkdir -p "$W/www"
echo "hello from httpd" > "$W/www/index.html"
head -c 12345 /dev/urandom > "$W/www/odd.bin"
head -c $((3 * 1024 * 1024 + 17)) /dev/urandom > "$W/www/big.bin"

# 1. httpd -> wget (the sandbox's writes stay in memory: compare inside)
out=$(timeout 60 "$CVISOR" do -- "$BB" sh -c '
	W='"$W"'; BB='"$BB"'
	"$BB" httpd -f -p 127.0.0.1:8089 -h "$W/www" & pid=$!
	i=0; while ! "$BB" wget -q -O /dev/null http://127.0.0.1:8089/index.html 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 50 ] && { echo "httpd never answered"; exit 1; }; sleep 0.1; done
	for f in index.html odd.bin big.bin; do
		"$BB" wget -q -O "/tmp/got.$f" "http://127.0.0.1:8089/$f" || { echo "wget $f failed"; exit 1; }
		"$BB" cmp "/tmp/got.$f" "$W/www/$f" || { echo "$f differs"; exit 1; }
		echo "same $f"
	done
	"$BB" wget -q -O /dev/null http://127.0.0.1:8089/missing 2>/dev/null && echo "404 not reported"
	kill $pid; wait $pid 2>/dev/null; echo done' 2>&1)
want="same index.html
same odd.bin
same big.bin
done"
if [ "$out" == "$want" ]; then t_ok "busybox httpd -> wget over 127.0.0.1 (3 files)"; else
	t_fail "busybox httpd -> wget over 127.0.0.1 (3 files)" "$out"; fi

# 2. nc both ways
out=$(timeout 60 "$CVISOR" do -- "$BB" sh -c '
	W='"$W"'; BB='"$BB"'
	# busybox nc shuts its socket down at the end of its stdin: keep the server'"'"'s open
	"$BB" sleep 2 | "$BB" nc -l -p 8090 > /tmp/nc.in & pid=$!
	sleep 0.2
	"$BB" nc 127.0.0.1 8090 < "$W/www/odd.bin" || echo "client failed"
	wait $pid; "$BB" cmp /tmp/nc.in "$W/www/odd.bin" && echo "client -> server same"
	"$BB" nc -l -p 8091 < "$W/www/big.bin" & pid=$!
	sleep 0.2
	"$BB" sleep 1 | "$BB" nc 127.0.0.1 8091 > /tmp/nc.out || echo "client failed"
	wait $pid; "$BB" cmp /tmp/nc.out "$W/www/big.bin" && echo "server -> client same"' 2>&1)
want="client -> server same
server -> client same"
if [ "$out" == "$want" ]; then t_ok "busybox nc round trip"; else t_fail "busybox nc round trip" "$out"; fi

# 3. 100 connections, 100 MiB, checked
if gcc -O2 -o "$W/tcp_stress" "$HERE/progs/tcp_stress.c" 2>"$W/cc.log"; then
	start=$(date +%s%N)
	out=$(timeout 120 "$CVISOR" do -- "$W/tcp_stress" 100 100 2>&1)
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	if [ $rc -eq 0 ] && [ "${out#ok 100 conns}" != "$out" ] && [ $ms -lt 30000 ]; then
		t_ok "tcp_stress: $out (${ms} ms with start-up)"
	else
		t_fail "tcp_stress: 100 connections, 100 MiB in < 30 s" "exit $rc after ${ms} ms: $out"
	fi
	out=$(timeout 120 "$CVISOR" do -- "$W/tcp_stress" 500 20 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then t_ok "tcp_stress: $out"; else
		t_fail "tcp_stress: 500 connections, 20 MiB" "exit $rc: $out"; fi
else
	t_fail "build tcp_stress" "$(cat "$W/cc.log")"
fi

t_done
