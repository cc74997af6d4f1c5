#!/bin/bash
# tests/integration/docker_tty_console.sh - the --console-socket protocol as containerd's
# runc shim drives it (what `docker run -it` / `docker exec -it` stand on), with the
# cvisor CLI and a console-socket peer in python3 playing the shim: the pty master comes
# over the socket (SCM_RIGHTS); the app's terminal is the Sentry's own /dev/pts/N; a
# resize of the host master (TIOCSWINSZ) reaches the app as SIGWINCH with the new size;
# the container's exit is EOF on the master; closing the master hangs up the container
# (SIGHUP); `exec --tty` gets a pty of its own, its exit status, EOF, resizes (through
# the detached stand-in) and SIGHUP when its master closes.
# Needs root, busybox-static and python3. Removes what it made.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-console-XXXXXX)
R=$W/root
B=$W/bundle
cv() { timeout 30 "$CVISOR" --root "$R" "$@"; }
PEERS=
cleanup() {
	for id in $(cv list -q 2>/dev/null); do cv delete --force "$id" >/dev/null 2>&1; done
	for p in $PEERS; do kill "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT

# console_peer.py SOCKET OUT STEP...: receives one pty master on SOCKET as runc's
# --console-socket, then runs the steps: expect:TEXT (read until TEXT came, 10 s),
# winsize:ROWS:COLS (TIOCSWINSZ on the master), send:TEXT, close (closes the master and
# stops), eof (reads until EOF or EIO, 10 s, and records "<EOF>"). Everything read goes
# to OUT.
cat > "$W/console_peer.py" <<'PY'
import fcntl, os, select, socket, struct, sys, termios, time
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
c, _ = s.accept()
_, fds, _, _ = socket.recv_fds(c, 4096, 1)
m = fds[0]
got = b""
def read_some(deadline):
    global got
    r, _, _ = select.select([m], [], [], max(0, deadline - time.time()))
    if not r:
        return True
    try:
        d = os.read(m, 4096)
    except OSError:
        d = b""
    if not d:
        return False
    got += d
    return True
try:
    for step in sys.argv[3:]:
        op, _, arg = step.partition(":")
        end = time.time() + 10
        if op == "expect":
            while arg.encode() not in got and time.time() < end and read_some(end):
                pass
        elif op == "winsize":
            rows, cols = map(int, arg.split(":"))
            fcntl.ioctl(m, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        elif op == "send":
            os.write(m, arg.encode())
        elif op == "close":
            os.close(m)
            break
        elif op == "eof":
            while time.time() < end and read_some(end):
                pass
            if time.time() < end:
                got += b"<EOF>"
finally:
    open(out, "wb").write(got)
PY

# peer NAME STEP...: starts a peer on $W/NAME.sock writing $W/NAME.out
peer() {
	local name=$1
	shift
	python3 "$W/console_peer.py" "$W/$name.sock" "$W/$name.out" "$@" &
	PEERS="$PEERS $!"
	PEER=$!
	for i in $(seq 50); do [ -S "$W/$name.sock" ] && return 0; sleep 0.1; done
	return 1
}
# peer_wait: until the last peer is done (15 s)
peer_wait() {
	for i in $(seq 150); do kill -0 "$PEER" 2>/dev/null || break; sleep 0.1; done
	wait "$PEER" 2>/dev/null
}
# set_args JSON_ARRAY TERMINAL: process.args and process.terminal of $B/config.json (and a
# writable root)
set_args() {
	python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["process"]["args"]=json.loads(sys.argv[2]); c["process"]["terminal"]=sys.argv[3]=="true"; c["root"]["readonly"]=False; json.dump(c,open(p,"w"),indent=1)' "$B/config.json" "$1" "$2"
}
# stopped ID: until the container is stopped (10 s)
stopped() {
	for i in $(seq 100); do cv state "$1" 2>/dev/null | grep -q '"status": "stopped"' && return 0; sleep 0.1; done
	return 1
}
show() { tr -d '\r' < "$W/$1.out" 2>/dev/null | head -20; }

mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" "$B/rootfs/tmp" "$B/rootfs/root"
cp /bin/busybox "$B/rootfs/bin/"
for a in sh echo cat ls sleep stty tty true; do ln -s busybox "$B/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$B/rootfs/etc/passwd"
printf '#!/bin/sh\ntrap '"'"'echo WINCH $(stty size); exit 0'"'"' WINCH\necho armed\nwhile :; do sleep 0.1; done\n' > "$B/rootfs/bin/winch-wait"
chmod 755 "$B/rootfs/bin/winch-wait"
(cd "$B" && "$CVISOR" spec) || { t_fail "cvisor spec"; t_done; exit 1; }

# 1. init's terminal; the container's exit is EOF on the master
set_args '["sh","-c","echo tty=$(tty); echo done-$((2+3))"]' true
peer t1 expect:done-5 eof
cv create --bundle "$B" --console-socket "$W/t1.sock" c1 >"$W/c1.err" 2>&1 && cv start c1
peer_wait
out=$(show t1)
printf '%s\n' "$out" | grep -q '^tty=/dev/pts/0$' && t_ok "init's terminal is the Sentry's /dev/pts/0" ||
	t_fail "init's terminal is the Sentry's /dev/pts/0" "$out $(cat "$W/c1.err")"
printf '%s\n' "$out" | grep -q '^done-5$' && [ "$(printf '%s\n' "$out" | tail -1)" = "<EOF>" ] && t_ok "container exit: the master reads all output, then EOF" ||
	t_fail "container exit: the master reads all output, then EOF" "$out"
stopped c1 && t_ok "container exit: stopped" || t_fail "container exit: stopped" "$(cv state c1)"
cv delete c1 >/dev/null 2>&1

# 2. TIOCSWINSZ on the master: SIGWINCH and the new size in the sandbox
set_args '["winch-wait"]' true
peer t2 expect:armed winsize:40:120 expect:WINCH eof
cv create --bundle "$B" --console-socket "$W/t2.sock" c2 >"$W/c2.err" 2>&1 && cv start c2
peer_wait
out=$(show t2)
printf '%s\n' "$out" | grep -q '^WINCH 40 120$' && t_ok "resize of the master: SIGWINCH, new size" ||
	t_fail "resize of the master: SIGWINCH, new size" "$out $(cat "$W/c2.err")"
cv delete --force c2 >/dev/null 2>&1

# 3. closing the master hangs up the container: SIGHUP to its session
set_args '["sh","-c","trap \"echo hup > /tmp/hupped; exit 0\" HUP; echo armed; while :; do sleep 0.1; done"]' true
rm -f "$B/rootfs/tmp/hupped"
peer t3 expect:armed close
cv create --bundle "$B" --console-socket "$W/t3.sock" c3 >"$W/c3.err" 2>&1 && cv start c3
peer_wait
if stopped c3 && [ "$(cat "$B/rootfs/tmp/hupped" 2>/dev/null)" = hup ]; then
	t_ok "master closed: the container gets SIGHUP"
else
	t_fail "master closed: the container gets SIGHUP" "$(cv state c3 | grep status) $(show t3) $(cat "$W/c3.err")"
fi
cv delete --force c3 >/dev/null 2>&1

# 4. exec --tty: a pty of its own; exit status; EOF when it exits, the container runs on
set_args '["sleep","100"]' false
cv run -d --bundle "$B" c4 >"$W/c4.err" 2>&1
peer t4 expect:x=7 eof
out=$(cv exec --tty --console-socket "$W/t4.sock" c4 sh -c 'echo tty=$(tty) x=$((3+4)); exit 5' 2>&1)
rc=$?
peer_wait
got=$(show t4)
[ $rc = 5 ] && t_ok "exec --tty: exit status 5" || t_fail "exec --tty: exit status 5" "rc=$rc $out"
printf '%s' "$got" | grep -q '^tty=/dev/pts/[0-9]* x=7' && printf '%s' "$got" | grep -q '<EOF>' &&
	t_ok "exec --tty: its own /dev/pts/N, output, then EOF" || t_fail "exec --tty: its own /dev/pts/N, output, then EOF" "$got"

# 5. exec --tty --detach: the stand-in passes resizes on
peer t5 expect:armed winsize:30:90 expect:WINCH eof
cv exec --tty --detach --console-socket "$W/t5.sock" --pid-file "$W/t5.pid" c4 winch-wait >"$W/t5.err" 2>&1
peer_wait
got=$(show t5)
printf '%s\n' "$got" | grep -q '^WINCH 30 90$' && t_ok "exec --tty --detach: a resize reaches the process" ||
	t_fail "exec --tty --detach: a resize reaches the process" "$got $(cat "$W/t5.err")"
# 6. the exec's master closed: the exec'd process gets SIGHUP
rm -f "$B/rootfs/tmp/hupped"
peer t6 expect:armed close
cv exec --tty --detach --console-socket "$W/t6.sock" c4 sh -c \
	'trap "echo hup > /tmp/hupped; exit 0" HUP; echo armed; while :; do sleep 0.1; done' >"$W/t6.err" 2>&1
peer_wait
for i in $(seq 50); do [ -s "$B/rootfs/tmp/hupped" ] && break; sleep 0.1; done
[ "$(cat "$B/rootfs/tmp/hupped" 2>/dev/null)" = hup ] && t_ok "exec --tty: master closed, the process gets SIGHUP" ||
	t_fail "exec --tty: master closed, the process gets SIGHUP" "$(show t6) $(cat "$W/t6.err")"
cv state c4 | grep -q '"status": "running"' && t_ok "the container runs on after its execs" ||
	t_fail "the container runs on after its execs" "$(cv state c4)"
cv delete --force c4 >/dev/null 2>&1

t_done
