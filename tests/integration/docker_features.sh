#!/bin/bash
# tests/integration/docker_features.sh - Docker features through cvisor: `docker run -it`
# and `docker exec -it` driven through tmux (a shell on the container's pty: output, exit
# status, window size and its changes, ^C, job control), `-t` output, -u, --cap-drop ALL, --read-only, --tmpfs,
# -w, -e, --hostname, docker top (the runtime's ps), pause/unpause, docker cp both ways,
# docker stop of a container that ignores SIGTERM, and 20 containers started in parallel
# and removed, leaving nothing in cvisor's state root.
#
# A private dockerd (Debian's docker.io, installed if missing) on its own data root,
# exec root and socket, with --add-runtime cvisor; a busybox image imported from local
# files (never pulled). Needs root. Stops what it started by pid and removes its files.
. "$(dirname "$0")/lib.sh"

if ! command -v dockerd >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io >/dev/null 2>&1 ||
		{ echo "not ok 1 - install docker.io"; echo "0 passed, 1 failed"; exit 1; }
fi
for tool in tmux; do
	command -v $tool >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y $tool >/dev/null 2>&1
done
W=$(mktemp -d /tmp/cvisor-dfeat-XXXXXX)
SOCK=$W/docker.sock
NS=cvisor-feat-$$
D() { timeout 60 docker -H "unix://$SOCK" "$@"; }
TM() { tmux -S "$W/tmux.sock" "$@"; }
DPID=
cleanup() {
	TM kill-server 2>/dev/null
	if [ -n "$DPID" ]; then
		D ps -aq 2>/dev/null | xargs -r docker -H "unix://$SOCK" rm -f >/dev/null 2>&1
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
	--storage-driver=vfs --containerd-namespace "$NS" --containerd-plugins-namespace "$NS-plugins" \
	--add-runtime "cvisor=$CVISOR" >"$W/dockerd.log" 2>&1 &
DPID=$!
for i in $(seq 300); do D version >/dev/null 2>&1 && break; sleep 0.1; done
if ! D version >/dev/null 2>&1; then
	t_fail "private dockerd with runtime cvisor" "$(tail -20 "$W/dockerd.log")"
	t_done
	exit 1
fi
# where containerd's runc shim keeps the runtime's state (its --root)
STATE_ROOT=$W/exec/runtime-runc/$NS

# a busybox image from local files: every applet, root and a user 1000
I=$W/img
mkdir -p "$I/bin" "$I/etc" "$I/tmp" "$I/proc" "$I/sys" "$I/dev" "$I/root" "$I/home/u"
chmod 700 "$I/root"
chmod 1777 "$I/tmp"
cp /bin/busybox "$I/bin/"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$I/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000:u:/home/u:/bin/sh\n' > "$I/etc/passwd"
printf 'root:x:0:\nu:x:1000:\n' > "$I/etc/group"
chown 1000:1000 "$I/home/u"
# waits for SIGWINCH, then prints the terminal's size as it is then
printf '#!/bin/sh\ntrap '"'"'echo WINCH $(stty size); exit 0'"'"' WINCH\necho armed\nwhile :; do sleep 0.1; done\n' > "$I/bin/winch-wait"
chmod 755 "$I/bin/winch-wait"
IMG=cvisor-feat:test
if ! tar -C "$I" -c . | D import - $IMG >/dev/null; then
	t_fail "import busybox image"
	t_done
	exit 1
fi
RUN="run --rm --runtime=cvisor --network=none"

# ---- docker run -it / docker exec -it, on a tmux pane of 100x30 ----
# wait_pane WINDOW PATTERN [SECONDS]: until the pane shows a line matching PATTERN
wait_pane() {
	for i in $(seq $((${3:-10} * 10))); do
		TM capture-pane -p -J -t "$1" 2>/dev/null | grep -q -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
pane() { TM capture-pane -p -J -t "$1" 2>/dev/null | grep -v '^$' | tail -15; }
# wait_file FILE [SECONDS]
wait_file() {
	for i in $(seq $((${2:-10} * 10))); do [ -s "$1" ] && return 0; sleep 0.1; done
	return 1
}

TM -f /dev/null new-session -d -s feat -x 100 -y 30 \
	"docker -H unix://$SOCK $RUN -it $IMG sh; echo \$? > $W/run_it.rc; sleep 600"
if wait_pane feat '^/ # ' 20; then
	# typed input is echoed by the sandbox's line discipline; 42 is the shell's output
	TM send-keys -t feat 'echo $((6*7)) $(tty)' Enter
	wait_pane feat '^42 /dev/pts/0' && t_ok "docker run -it: shell output on /dev/pts/0" ||
		t_fail "docker run -it: shell output on /dev/pts/0" "$(pane feat)"
	TM send-keys -t feat 'echo size=$(stty size)' Enter
	wait_pane feat '^size=30 100' && t_ok "docker run -it: window size of the client's terminal" ||
		t_fail "docker run -it: window size of the client's terminal" "$(pane feat)"
	TM send-keys -t feat winch-wait Enter
	wait_pane feat '^armed'
	TM resize-window -t feat -x 120 -y 40
	wait_pane feat '^WINCH 40 120' && t_ok "docker run -it: a resize reaches the app (SIGWINCH, new size)" ||
		t_fail "docker run -it: a resize reaches the app (SIGWINCH, new size)" "$(pane feat)"
	TM send-keys -t feat 'sleep 100' Enter
	sleep 0.5
	TM send-keys -t feat C-c
	TM send-keys -t feat 'echo after-$((1+1))' Enter
	wait_pane feat '^after-2' && t_ok "docker run -it: ^C interrupts the foreground job" ||
		t_fail "docker run -it: ^C interrupts the foreground job" "$(pane feat)"
	TM send-keys -t feat 'sleep 100' Enter
	sleep 0.5
	TM send-keys -t feat C-z
	wait_pane feat 'Stopped.*sleep 100'
	TM send-keys -t feat fg Enter
	sleep 0.5
	TM send-keys -t feat C-c
	TM send-keys -t feat 'echo jc-$((2+2))' Enter
	wait_pane feat '^jc-4' && t_ok "docker run -it: job control (^Z, fg, ^C)" ||
		t_fail "docker run -it: job control (^Z, fg, ^C)" "$(pane feat)"
	TM send-keys -t feat 'exit 3' Enter
	wait_file "$W/run_it.rc" 15
	rc=$(cat "$W/run_it.rc" 2>/dev/null)
	[ "$rc" = 3 ] && t_ok "docker run -it: exit status 3 propagated" ||
		t_fail "docker run -it: exit status 3 propagated" "rc=$rc; $(pane feat)"
else
	t_fail "docker run -it: a shell prompt" "$(pane feat)"
fi

cid=$(D run -d --runtime=cvisor --network=none $IMG sh -c 'while :; do sleep 1; done')
TM new-window -d -t feat -n ex "docker -H unix://$SOCK exec -it $cid sh; echo \$? > $W/exec_it.rc; sleep 600"
if wait_pane feat:ex '^/ # ' 20; then
	TM send-keys -t feat:ex 'echo $((7*8)) $(tty) ppid=$PPID' Enter
	wait_pane feat:ex '^56 /dev/pts/[0-9]* ppid=0' && t_ok "docker exec -it: shell output on its own pty" ||
		t_fail "docker exec -it: shell output on its own pty" "$(pane feat:ex)"
	TM send-keys -t feat:ex winch-wait Enter
	wait_pane feat:ex '^armed'
	TM resize-window -t feat:ex -x 90 -y 25
	wait_pane feat:ex '^WINCH 25 90' && t_ok "docker exec -it: a resize reaches the app" ||
		t_fail "docker exec -it: a resize reaches the app" "$(pane feat:ex)"
	TM send-keys -t feat:ex 'exit 4' Enter
	wait_file "$W/exec_it.rc" 15
	rc=$(cat "$W/exec_it.rc" 2>/dev/null)
	[ "$rc" = 4 ] && t_ok "docker exec -it: exit status 4 propagated" ||
		t_fail "docker exec -it: exit status 4 propagated" "rc=$rc; $(pane feat:ex)"
	st=$(D inspect -f '{{.State.Status}}' "$cid")
	[ "$st" = running ] && t_ok "docker exec -it: the container runs on after the exec" ||
		t_fail "docker exec -it: the container runs on after the exec" "$st"
else
	t_fail "docker exec -it: a shell prompt" "$(pane feat:ex)"
fi
out=$(D exec -t "$cid" seq 1 30000 | tr -d '\r')
[ "$(printf '%s\n' "$out" | wc -l) $(printf '%s\n' "$out" | tail -1)" = "30000 30000" ] &&
	t_ok "docker exec -t: 30000 lines through the pty, none lost" ||
	t_fail "docker exec -t: 30000 lines through the pty, none lost" "$(printf '%s\n' "$out" | tail -3)"
D rm -f "$cid" >/dev/null 2>&1
out=$(D $RUN -t $IMG seq 1 30000 | tr -d '\r')
[ "$(printf '%s\n' "$out" | wc -l) $(printf '%s\n' "$out" | tail -1)" = "30000 30000" ] &&
	t_ok "docker run -t: 30000 lines, the last ones written out at exit" ||
	t_fail "docker run -t: 30000 lines, the last ones written out at exit" "$(printf '%s\n' "$out" | tail -3)"

# ---- process settings ----
t_expect "-u 1000:1000: id" 0 "uid=1000(u) gid=1000(u) groups=1000(u)" \
	docker -H "unix://$SOCK" $RUN -u 1000:1000 $IMG id
t_expect "-u 1000:1000: root's files are not ours" 0 "EACCES" \
	docker -H "unix://$SOCK" $RUN -u 1000:1000 $IMG sh -c 'touch /root/x 2>/dev/null || echo EACCES'
t_expect "default capabilities: chown works" 0 "1:1" \
	docker -H "unix://$SOCK" $RUN $IMG sh -c 'touch /tmp/f && chown 1:1 /tmp/f && stat -c %u:%g /tmp/f'
t_expect "--cap-drop ALL: chown fails with EPERM" 1 "chown: /tmp/f: Operation not permitted" \
	docker -H "unix://$SOCK" $RUN --cap-drop ALL $IMG sh -c 'touch /tmp/f && chown 1:1 /tmp/f 2>&1'
t_expect "--read-only: writes to / fail with EROFS" 1 "sh: can't create /f: Read-only file system" \
	docker -H "unix://$SOCK" $RUN --read-only --tmpfs /tmp $IMG sh -c 'echo x 2>&1 > /f'
t_expect "--read-only --tmpfs /tmp: /tmp is writable" 0 "tmp-ok" \
	docker -H "unix://$SOCK" $RUN --read-only --tmpfs /tmp $IMG sh -c 'echo tmp-ok > /tmp/f && cat /tmp/f'
t_expect "--read-only --tmpfs /new/dir: made on the read-only root" 0 "tmpfs new-ok" \
	docker -H "unix://$SOCK" $RUN --read-only --tmpfs /new/dir $IMG sh -c \
	'echo new-ok > /new/dir/f && echo $(grep " /new/dir " /proc/mounts | cut -d" " -f3) $(cat /new/dir/f)'
t_expect "--tmpfs /x:size=1m: a tmpfs at /x" 0 "/x tmpfs ok" \
	docker -H "unix://$SOCK" $RUN --tmpfs /x:size=1m $IMG sh -c \
	'echo ok > /x/f && echo $(grep " /x " /proc/mounts | cut -d" " -f3,2) $(cat /x/f)'
out=$(D $RUN --tmpfs /x:size=1m $IMG sh -c 'dd if=/dev/zero of=/x/big bs=1k count=2048 2>&1 >/dev/null; wc -c < /x/big')
if printf '%s' "$out" | grep -q 'No space left' && [ "$(printf '%s' "$out" | tail -1)" = 1048576 ]; then
	t_ok "--tmpfs /x:size=1m: 2 MiB do not fit"
else
	t_fail "--tmpfs /x:size=1m: 2 MiB do not fit" "got: $out"
fi
t_expect "-w /some/dir (made when missing)" 0 "/some/dir" docker -H "unix://$SOCK" $RUN -w /some/dir $IMG pwd
t_expect "-e FOO=bar" 0 "bar" docker -H "unix://$SOCK" $RUN -e FOO=bar $IMG sh -c 'echo $FOO'
t_expect "--hostname myhost: hostname, uname -n, /etc/hostname" 0 "myhost myhost myhost" \
	docker -H "unix://$SOCK" $RUN --hostname myhost $IMG sh -c 'echo $(hostname) $(uname -n) $(cat /etc/hostname)'

# ---- docker top, pause/unpause, cp, stop ----
cid=$(D run -d --runtime=cvisor --network=none $IMG sh -c \
	'sleep 1000 & sleep 1000 & i=0; while :; do i=$((i+1)); echo $i > /tmp/c.new; mv /tmp/c.new /tmp/count; sleep 0.1; done')
count() { D cp "$cid:/tmp/count" - 2>/dev/null | tar -xO 2>/dev/null; }
for i in $(seq 50); do [ "$(count)" -gt 2 ] 2>/dev/null && break; sleep 0.1; done
out=$(D top "$cid" 2>&1)
# sh, two sleeps, and at times the loop's sleep or mv: each stands as a host process that
# shows the app's own command line (the Sentry sets the stub's argument area at exec)
n=$(printf '%s\n' "$out" | tail -n +2 | grep -vc cvisor-stub)
s=$(printf '%s\n' "$out" | grep -c ' sleep 1000$')
[ "$n" -ge 3 ] && [ "$n" -le 5 ] && [ "$s" -eq 2 ] &&
	t_ok "docker top: one host process per sandbox process, with its command line ($n)" ||
	t_fail "docker top: one host process per sandbox process" "$out"
if D pause "$cid" >/dev/null 2>&1 && [ "$(D inspect -f '{{.State.Status}}' "$cid")" = paused ]; then
	t_ok "docker pause"
	out=$(D top "$cid" 2>&1)
	np=$(printf '%s\n' "$out" | tail -n +2 | grep -vc cvisor-stub) # from the freezer cgroup
	[ "$np" -ge 3 ] && t_ok "docker top of a paused container ($np)" ||
		t_fail "docker top of a paused container" "$out"
	c1=$(count)
	sleep 1
	c2=$(count)
	[ -n "$c1" ] && [ "$c1" = "$c2" ] && t_ok "paused: the counting loop stands still ($c1)" ||
		t_fail "paused: the counting loop stands still" "$c1 -> $c2"
	D unpause "$cid" >/dev/null 2>&1 && t_ok "docker unpause" || t_fail "docker unpause"
	sleep 1
	c3=$(count)
	[ -n "$c3" ] && [ "$c3" -gt "${c2:-0}" ] 2>/dev/null && t_ok "unpaused: the loop advances ($c2 -> $c3)" ||
		t_fail "unpaused: the loop advances" "$c2 -> $c3"
else
	t_fail "docker pause" "$(D inspect -f '{{.State.Status}}' "$cid" 2>&1)"
fi
echo "from the host $$" > "$W/cp_in"
D cp "$W/cp_in" "$cid:/tmp/cp_in" >/dev/null 2>&1
t_expect "docker cp into a running container" 0 "from the host $$" \
	docker -H "unix://$SOCK" exec "$cid" cat /tmp/cp_in
D exec "$cid" sh -c 'echo made inside > /tmp/cp_out'
D cp "$cid:/tmp/cp_out" "$W/cp_out" >/dev/null 2>&1
[ "$(cat "$W/cp_out" 2>/dev/null)" = "made inside" ] && t_ok "docker cp out of a running container" ||
	t_fail "docker cp out of a running container" "$(cat "$W/cp_out" 2>&1)"
D rm -f "$cid" >/dev/null 2>&1

cid=$(D run -d --runtime=cvisor --network=none $IMG sh -c 'trap "" TERM; echo armed; while :; do sleep 0.1; done')
for i in $(seq 50); do D logs "$cid" 2>/dev/null | grep -q armed && break; sleep 0.1; done
start=$(date +%s%N)
D stop -t 2 "$cid" >/dev/null 2>&1
took=$((($(date +%s%N) - start) / 1000000))
st=$(D inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$cid" 2>&1)
[ "$st" = "exited 137" ] && [ $took -ge 1900 ] && [ $took -lt 8000 ] &&
	t_ok "docker stop -t 2 of a container ignoring SIGTERM: SIGKILL after ${took}ms, 137" ||
	t_fail "docker stop -t 2 of a container ignoring SIGTERM" "took ${took}ms, state $st"
D rm -f "$cid" >/dev/null 2>&1

# ---- 20 containers at once ----
pids=
for i in $(seq 20); do
	D run -d --runtime=cvisor --network=none --name "par$i" $IMG sleep 1000 >"$W/par$i.out" 2>&1 &
	pids="$pids $!"
done
wait $pids # not a bare wait: dockerd is a job of this shell too
n=$(D ps -q --filter name=par --filter status=running | wc -l)
[ "$n" = 20 ] && t_ok "20 containers started in parallel, all running" ||
	t_fail "20 containers started in parallel, all running" "$n running; $(cat "$W"/par*.out | grep -v '^[0-9a-f]*$' | head -5)"
ids=$(D ps -aq --no-trunc --filter name=par)
pids=
for i in $(seq 20); do
	D rm -f "par$i" >/dev/null 2>&1 &
	pids="$pids $!"
done
wait $pids
left=$(D ps -aq --filter name=par | wc -l)
[ "$left" = 0 ] && t_ok "20 containers stopped and removed" || t_fail "20 containers stopped and removed" "$left left"
sleep 0.5
state=$(ls -A "$STATE_ROOT" 2>/dev/null)
sentries=$(pgrep -f -- "--root $STATE_ROOT" | wc -l)
cgs=0
for id in $ids; do [ -d "/sys/fs/cgroup/freezer/docker/$id" ] && cgs=$((cgs + 1)); done
[ -z "$state" ] && [ "$sentries" = 0 ] && [ "$cgs" = 0 ] &&
	t_ok "nothing left: state root empty, no Sentry, no cgroup" ||
	t_fail "nothing left: state root empty, no Sentry, no cgroup" "state: $state; sentries: $sentries; cgroups: $cgs"

t_done
