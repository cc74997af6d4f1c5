#!/bin/bash
# cvisor as a Docker runtime: a private dockerd (Debian's docker.io, installed if missing)
# with --add-runtime cvisor=bin/cvisor on its own data root and socket, a busybox image
# imported from local files (never pulled), and `docker run/exec/stop` through cvisor.
# Needs root. Stops its dockerd by pid and removes everything it made.
. "$(dirname "$0")/lib.sh"

if ! command -v dockerd >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io >/dev/null 2>&1 ||
		{ echo "not ok 1 - install docker.io"; echo "0 passed, 1 failed"; exit 1; }
fi
W=$(mktemp -d /tmp/cvisor-docker-XXXXXX)
SOCK=$W/docker.sock
D() { timeout 60 docker -H "unix://$SOCK" "$@"; }
DPID=
cleanup() {
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
	--storage-driver=vfs --containerd-namespace cvisor-test --containerd-plugins-namespace cvisor-test-plugins \
	--add-runtime "cvisor=$CVISOR" >"$W/dockerd.log" 2>&1 &
DPID=$!
for i in $(seq 300); do D version >/dev/null 2>&1 && break; sleep 0.1; done
if D version >/dev/null 2>&1; then t_ok "private dockerd with runtime cvisor"; else
	t_fail "private dockerd with runtime cvisor" "$(tail -20 "$W/dockerd.log")"
	t_done
	exit 1
fi
D info 2>/dev/null | grep -q cvisor && t_ok "docker info lists cvisor" || t_fail "docker info lists cvisor"

# a busybox image from local files
I=$W/img
mkdir -p "$I/bin" "$I/etc" "$I/tmp" "$I/proc" "$I/sys" "$I/dev" "$I/root"
cp /bin/busybox "$I/bin/"
for a in sh echo cat ls sleep id true false hostname env pwd kill ps wc; do ln -s busybox "$I/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$I/etc/passwd"
echo 'root:x:0:' > "$I/etc/group"
tar -C "$I" -c . | D import - cvisor-busybox:test >/dev/null && t_ok "import busybox image" || t_fail "import busybox image"

RUN="run --rm --runtime=cvisor --network=none"
t_expect "docker run echo hi" 0 "hi" docker -H "unix://$SOCK" $RUN cvisor-busybox:test echo hi
t_expect "docker run exit status" 3 "" docker -H "unix://$SOCK" $RUN cvisor-busybox:test sh -c 'exit 3'
t_expect "docker run -e and -w" 0 "x=1 /tmp" docker -H "unix://$SOCK" $RUN -e X=1 -w /tmp cvisor-busybox:test sh -c 'echo x=$X $(pwd)'
out=$(echo in | D $RUN -i cvisor-busybox:test cat 2>&1)
[ "$out" == "in" ] && t_ok "docker run -i stdin" || t_fail "docker run -i stdin" "$out"

# bind mounts: -v (rw and ro) and the /etc/hosts Docker binds as a file
mkdir -p "$W/vol" && echo from-host > "$W/vol/in"
t_expect "docker run -v: read and write" 0 "from-host" docker -H "unix://$SOCK" $RUN -v "$W/vol:/data" cvisor-busybox:test sh -c 'cat /data/in && echo from-ctr > /data/out'
[ "$(cat "$W/vol/out" 2>/dev/null)" == "from-ctr" ] && t_ok "docker run -v: write seen on the host" || t_fail "docker run -v: write seen on the host"
t_expect "docker run -v :ro refuses writes" 1 "" docker -H "unix://$SOCK" $RUN -v "$W/vol:/data:ro" cvisor-busybox:test sh -c 'echo x > /data/out'
t_expect "docker run --add-host lands in /etc/hosts" 0 "10.7.7.7" docker -H "unix://$SOCK" $RUN --add-host seven:10.7.7.7 cvisor-busybox:test sh -c 'grep seven /etc/hosts | while read a b; do echo $a; done'
cid=$(D run -d --runtime=cvisor --network=none cvisor-busybox:test sh -c 'trap "exit 0" TERM; while true; do sleep 0.1; done' 2>"$W/run.err")
[ -n "$cid" ] && t_ok "docker run -d" || t_fail "docker run -d" "$(cat "$W/run.err")"
t_expect "docker exec" 0 "exec-ok" docker -H "unix://$SOCK" exec "$cid" sh -c 'echo exec-ok'
t_expect "docker exec exit status" 7 "" docker -H "unix://$SOCK" exec "$cid" sh -c 'exit 7'
out=$(D top "$cid" 2>&1)
# docker top lists the host processes standing for the container's (the Sentry's stubs),
# each with the app's command line
echo "$out" | grep -q 'while true; do sleep 0.1; done' && t_ok "docker top (host stubs, the app's command line)" ||
	t_fail "docker top (host stubs, the app's command line)" "$out"
start=$(date +%s)
D stop -t 10 "$cid" >/dev/null 2>&1 && t_ok "docker stop" || t_fail "docker stop"
took=$(($(date +%s) - start))
[ $took -lt 8 ] && t_ok "docker stop: TERM reached init (${took}s)" || t_fail "docker stop: TERM reached init (took ${took}s)"
st=$(D inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$cid" 2>&1)
[ "$st" == "exited 0" ] && t_ok "stopped container: exited 0" || t_fail "stopped container: exited 0" "$st"
D rm "$cid" >/dev/null 2>&1 && t_ok "docker rm" || t_fail "docker rm"

cid=$(D run -d --runtime=cvisor --network=none cvisor-busybox:test sleep 60 2>/dev/null)
D kill "$cid" >/dev/null 2>&1
st=$(D wait "$cid" 2>&1)
[ "$st" == "137" ] && t_ok "docker kill: 137" || t_fail "docker kill: 137" "$st"
D rm -f "$cid" >/dev/null 2>&1

t_done
