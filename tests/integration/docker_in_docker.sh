#!/bin/bash
# Docker inside a cvisor container (issue 10, stage 1). A private outer dockerd (Debian's
# docker.io) with --add-runtime cvisor=bin/cvisor on its own data root, exec root and socket
# under /tmp; the DinD image built from local files (images/dind-image.sh, cached in
# /var/cache/cvisor); a DinD container on cvisor with the 17 capabilities of gVisor's guide,
# whose inner dockerd (the simple flags of seeds/dind-simple-flags.md) must import, load,
# run, exec, stop, cp and build. A second DinD container with --cap-add all (which runc
# refuses on a host without CAP_SYS_RESOURCE) runs `docker run --privileged` inside. The
# same core steps inside plain `cvisor do`. Isolation: progs/dind_host_probe.sh looks for
# host markers (a tmpfs, a process, a cgroup, an interface, the outer socket) from the
# workload on cvisor, where all must stay hidden, and from a runc DinD container configured
# as ../shared/ENVIRONMENT.md says, where it finds them (the difference is the point).
# Nothing may be left behind by `docker rm -f`. Needs root; skips without docker.io or
# busybox-static. Takes 35-50 s here.
. "$(dirname "$0")/lib.sh"

skip() {
	echo "1..0 # SKIP $1"
	echo "0 passed, 0 failed"
	exit 0
}
for p in dockerd docker containerd runc containerd-shim-runc-v2 docker-init; do
	command -v $p >/dev/null || skip "$p not installed (docker.io)"
done
[ -x /bin/busybox ] && file -L /bin/busybox | grep -q "statically linked" || skip "busybox-static not installed"
command -v script >/dev/null || skip "script (util-linux) not installed"
[ "$(id -u)" = 0 ] || skip "needs root"

HERE=$(cd "$(dirname "$0")" && pwd)
T0=$(date +%s)
W=$(mktemp -d /tmp/cvisor-dind-XXXXXX)
SOCK=$W/docker.sock
DK=(docker -H "unix://$SOCK")
D() { timeout 120 "${DK[@]}" "$@"; }
DPID='' MARKER_PID='' MARKER_CG='' MARKER_IF=''
# destroy_probe_hierarchies: the named cgroup v1 hierarchies the probe mounted through runc
# outlive its unmount inside the container; mounted and unmounted here with no child cgroup,
# the kernel destroys them
destroy_probe_hierarchies() {
	local h
	for h in $(sed -n 's/^[0-9]*:name=\(dindprobe[0-9]*\):.*/\1/p' /proc/self/cgroup); do
		mkdir -p "$W/cg" && mount -t cgroup -o "none,name=$h" none "$W/cg" && umount "$W/cg"
	done
}
cleanup() {
	if [ -n "$DPID" ]; then
		D ps -aq 2>/dev/null | xargs -r timeout 60 "${DK[@]}" rm -f >/dev/null 2>&1
		kill "$DPID" 2>/dev/null
		for i in $(seq 200); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	[ -n "$MARKER_PID" ] && kill "$MARKER_PID" 2>/dev/null && wait "$MARKER_PID" 2>/dev/null
	[ -n "$MARKER_CG" ] && rmdir "$MARKER_CG" 2>/dev/null
	[ -n "$MARKER_IF" ] && ip link del "$MARKER_IF" 2>/dev/null
	mountpoint -q "$W/marker" && umount "$W/marker"
	destroy_probe_hierarchies
	grep -q " $W/" /proc/self/mountinfo && umount -R "$W/data" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

# -- the outer dockerd
DRIVER=vfs
grep -qw overlay /proc/filesystems && DRIVER=overlay2
dockerd --data-root "$W/data" --exec-root "$W/exec" -H "unix://$SOCK" --pidfile "$W/dockerd.pid" \
	--iptables=false --ip-forward=false --ip-masq=false --userland-proxy=false --bridge=none \
	--storage-driver=$DRIVER --containerd-namespace cvisor-dind \
	--containerd-plugins-namespace cvisor-dind-plugins \
	--add-runtime "cvisor=$CVISOR" >"$W/dockerd.log" 2>&1 &
DPID=$!
for i in $(seq 300); do D version >/dev/null 2>&1 && break; sleep 0.1; done
D version >/dev/null 2>&1 || {
	t_fail "outer dockerd starts" "$(tail -20 "$W/dockerd.log")"
	t_done
	exit 1
}

# -- the DinD image and the inner test image, from local files
t=$(date +%s)
TAR=$("$HERE/images/dind-image.sh" 2>"$W/image.err") &&
	D import -c 'ENTRYPOINT ["/usr/local/bin/dind-entrypoint"]' "$TAR" cvisor-dind:test >/dev/null &&
	t_ok "DinD image from local files imported ($(($(date +%s) - t))s)" ||
	{ t_fail "DinD image from local files" "$(cat "$W/image.err")"; t_done; exit 1; }
BB=$W/bb
mkdir -p "$BB/bin" "$BB/etc" "$BB/tmp" "$BB/proc" "$BB/sys" "$BB/dev" "$BB/root"
cp /bin/busybox "$BB/bin/"
for a in $(/bin/busybox --list); do [ -e "$BB/bin/$a" ] || ln -s busybox "$BB/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$BB/etc/passwd"
echo 'root:x:0:' >"$BB/etc/group"
tar -C "$BB" -cf "$W/bb.tar" .

CAPS=()
for c in audit_write chown dac_override fowner fsetid kill mknod net_bind_service net_admin \
	net_raw setfcap setgid setpcap setuid sys_admin sys_chroot sys_ptrace; do
	CAPS+=(--cap-add "$c")
done
# Docker's default seccomp profile answers keyctl(2) with EPERM, which the inner runc's init
# takes as fatal ("unable to join session keyring"); under cvisor the profile only limits
# what the app may ask the Sentry, so it is lifted (runsc ignores it altogether by default)
CVISOR_DIND=(--runtime=cvisor --network=none --security-opt seccomp=unconfined)
RUNC_DIND=(--network=none "${CAPS[@]}" --security-opt seccomp=unconfined
	--security-opt apparmor=unconfined --security-opt systempaths=unconfined
	-v /sys/fs/cgroup:/sys/fs/cgroup:rw)

# start_dind NAME ARGS...: starts a DinD container and waits for its inner dockerd; prints
# the seconds it took. Returns non-zero when the inner dockerd did not answer in 60 s.
start_dind() {
	local name=$1 t i
	shift
	t=$(date +%s.%N)
	D run -d --name "$name" "$@" cvisor-dind:test >"$W/$name.run" 2>&1 || return 1
	for i in $(seq 600); do
		D exec "$name" docker version >/dev/null 2>&1 && break
		sleep 0.1
	done
	D exec "$name" docker version >/dev/null 2>&1 || return 1
	echo "$(date +%s.%N) $t" | awk '{ printf "%.1f", $1 - $2 }'
}

# inner_import NAME: the busybox tarball imported as bb:1 inside NAME (through exec's stdin)
inner_import() {
	D exec -i "$1" docker import - bb:1 <"$W/bb.tar" >/dev/null 2>"$W/import.err" &&
		[ "$(D exec "$1" docker run --rm --network=none bb:1 cat /etc/passwd 2>&1)" == \
			"$(cat "$BB/etc/passwd")" ]
}

# -- stage 1 inside a cvisor DinD container with the 17 capabilities
t=$(date +%s)
if secs=$(start_dind dind "${CVISOR_DIND[@]}" "${CAPS[@]}"); then
	t_ok "DinD on cvisor (17 capabilities): inner dockerd answers (${secs}s)"
else
	t_fail "DinD on cvisor (17 capabilities): inner dockerd answers" \
		"$(cat "$W/dind.run"; D logs dind 2>&1 | grep -v grpc | tail -15)"
	t_done
	exit 1
fi
X=("${DK[@]}" exec dind)
t_expect "docker info: cgroup v2, vfs driver" 0 "2 vfs" "${X[@]}" docker info --format '{{.CgroupVersion}} {{.Driver}}'
inner_import dind && t_ok "docker import of a busybox tarball; the image runs" ||
	t_fail "docker import of a busybox tarball; the image runs" "$(cat "$W/import.err")"
t_expect "docker run --rm --network=none echo hi" 0 "hi" "${X[@]}" docker run --rm --network=none bb:1 echo hi
t_expect "docker run: exit status 3" 3 "" "${X[@]}" docker run --rm --network=none bb:1 sh -c 'exit 3'
t_expect "docker run: a child killed by SIGKILL, status 137" 137 "" "${X[@]}" docker run --rm --network=none bb:1 sh -c 'sleep 10 & kill -9 $!; wait $!'
t_expect "docker run --network=host: the DinD container's hostname and interfaces" 0 \
	"$(D exec dind sh -c 'hostname; ls /sys/class/net')" \
	"${X[@]}" docker run --rm --network=host bb:1 sh -c 'hostname; ls /sys/class/net'
t_expect "docker run -e -w -u" 0 "x=1 /tmp 1" "${X[@]}" docker run --rm --network=none -e X=1 -w /tmp -u 1 bb:1 sh -c 'echo x=$X $(pwd) $(id -u)'
t_expect "docker run -v (a bind of the DinD's directory) and --read-only" 0 "in-dind
ro" "${X[@]}" sh -c 'mkdir -p /vol && echo in-dind >/vol/f && docker run --rm --network=none --read-only \
	-v /vol:/v bb:1 sh -c "cat /v/f; echo out >/v/g; touch /x 2>/dev/null || echo ro" && [ "$(cat /vol/g)" = out ]'
# the inner container's own cgroup namespace: /sys/fs/cgroup is its cgroup, with its limit
# (stdout only: dockerd warns that swap limits are unsupported)
out=$("${X[@]}" docker run --rm --network=none --memory 64m bb:1 sh -c \
	'echo $(cat /sys/fs/cgroup/memory.max) $(cat /proc/self/cgroup) $([ -e /sys/fs/cgroup/docker ] || echo no-siblings)' 2>/dev/null)
[ "$out" == "67108864 0::/ no-siblings" ] &&
	t_ok "docker run --memory 64m: its /sys/fs/cgroup is its own cgroup (cgroup namespace)" ||
	t_fail "docker run --memory 64m: its /sys/fs/cgroup is its own cgroup (cgroup namespace)" "$out"
# the inner runc applies --pids-limit through the Sentry's cgroup v2: with the shell and 4
# children at the limit, the 5th fork fails (and ash gives up)
out=$("${X[@]}" docker run --rm --network=none --pids-limit 5 bb:1 sh -c \
	'i=0; while [ $i -lt 6 ]; do sleep 5 & i=$((i + 1)); echo $i; done' 2>/dev/null | tr '\n' ' ')
[ "$out" == "1 2 3 4 " ] && t_ok "docker run --pids-limit 5: the 5th fork fails" ||
	t_fail "docker run --pids-limit 5: the 5th fork fails" "forked: $out"

# run -d, exec, logs, stop (SIGTERM reaches the container's init), rm
cid=$("${X[@]}" docker run -d --network=none bb:1 sh -c 'echo started; trap "echo got-term; exit 0" TERM; while true; do sleep 0.1; done' 2>&1)
[ ${#cid} -eq 64 ] && t_ok "docker run -d" || t_fail "docker run -d" "$cid"
t_expect "docker exec" 0 "exec-ok" "${X[@]}" docker exec "$cid" sh -c 'echo exec-ok'
t_expect "docker exec: exit status 7" 7 "" "${X[@]}" docker exec "$cid" sh -c 'exit 7'
t_expect "docker logs" 0 "started" "${X[@]}" docker logs "$cid"
s=$(date +%s)
D exec dind docker stop -t 20 "$cid" >/dev/null 2>&1
took=$(($(date +%s) - s))
st=$(D exec dind docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$cid" 2>&1)
logs=$(D exec dind docker logs "$cid" 2>&1 | tr '\n' ' ')
[ "$st" == "exited 0" ] && [ "$logs" == "started got-term " ] && [ $took -lt 10 ] &&
	t_ok "docker stop: SIGTERM reached the container (${took}s), exit 0" ||
	t_fail "docker stop: SIGTERM reached the container" "took ${took}s, state '$st', logs '$logs'"
t_expect "docker rm" 0 "" "${X[@]}" docker rm "$cid"
cid=$("${X[@]}" docker run -d --network=none bb:1 sleep 60 2>&1)
out=$(D exec dind sh -c "docker pause $cid >/dev/null && docker inspect -f '{{.State.Status}}' $cid &&
	docker unpause $cid >/dev/null && docker inspect -f '{{.State.Status}}' $cid" 2>&1 | tr '\n' ' ')
[ "$out" == "paused running " ] && t_ok "docker pause, unpause (the Sentry's cgroup freezer)" ||
	t_fail "docker pause, unpause" "$out"
D exec dind docker rm -f "$cid" >/dev/null 2>&1
cid=$("${X[@]}" docker run -d --network=none bb:1 sh -c 'trap "" TERM; echo ignoring; while true; do sleep 0.1; done' 2>&1)
for i in $(seq 50); do [ "$(D exec dind docker logs "$cid" 2>&1)" == ignoring ] && break; sleep 0.1; done
s=$(date +%s)
D exec dind docker stop -t 1 "$cid" >/dev/null 2>&1
took=$(($(date +%s) - s))
st=$(D exec dind docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$cid" 2>&1)
[ "$st" == "exited 137" ] && [ $took -ge 1 ] && [ $took -lt 10 ] &&
	t_ok "docker stop -t 1: SIGTERM ignored, SIGKILLed after the timeout (${took}s)" ||
	t_fail "docker stop -t 1: SIGKILL after the timeout" "took ${took}s, state '$st'"
D exec dind docker rm "$cid" >/dev/null 2>&1
n=$(D exec dind docker ps -aq 2>&1 | wc -l)
[ "$n" -eq 0 ] && t_ok "docker ps -a: nothing left" || t_fail "docker ps -a: nothing left" "$n containers"

# run -it through a pty: the outer `docker exec -it` under script(1), the inner `docker run -it`
(sleep 3; echo 'test -t 0 && echo tty-$((6*7)); exit 5') |
	timeout 60 script -eqc "${DK[*]} exec -it dind docker run -it --rm --network=none bb:1 sh" /dev/null >"$W/it.out"
rc=$?
out=$(tr -d '\r' <"$W/it.out")
printf '%s\n' "$out" | grep -qx 'tty-42' && [ "$rc" -eq 5 ] &&
	t_ok "docker run -it through a pty: a terminal, input, exit status" ||
	t_fail "docker run -it through a pty" "exit $rc: $out"

# docker cp both ways (host -> DinD -> inner container -> DinD -> host)
echo "payload-$$" >"$W/in.txt"
cid=$("${X[@]}" docker create --network=none bb:1 cat /in.txt 2>&1)
out=$(D cp "$W/in.txt" dind:/root/in.txt 2>&1 && "${X[@]}" docker cp /root/in.txt "$cid:/in.txt" 2>&1 &&
	"${X[@]}" docker start -a "$cid" 2>&1)
[ "$out" == "payload-$$" ] && t_ok "docker cp into a container" || t_fail "docker cp into a container" "$out"
out=$("${X[@]}" docker cp "$cid:/etc/passwd" /root/out.passwd 2>&1 && D cp dind:/root/out.passwd "$W/out.passwd" 2>&1)
cmp -s "$W/out.passwd" "$BB/etc/passwd" && t_ok "docker cp out of a container" || t_fail "docker cp out of a container" "$out"
D exec dind docker rm "$cid" >/dev/null 2>&1

# docker build, classic builder: FROM a local image, ENV, WORKDIR, COPY, RUN, ENTRYPOINT
D exec dind mkdir -p /ctx
echo "data-$$" | D exec -i dind sh -c 'cat >/ctx/data.txt'
D exec -i dind sh -c 'cat >/ctx/Dockerfile' <<'EOF'
FROM bb:1
ENV GREETING=hello
WORKDIR /app
COPY data.txt .
RUN echo "built-$GREETING" >/app/built && cat data.txt >>/app/built
ENTRYPOINT ["sh", "-c", "cat /app/built; pwd; echo $GREETING \"$@\"", "--"]
EOF
s=$(date +%s)
out=$(D exec -e DOCKER_BUILDKIT=0 dind docker build -q -t built:1 /ctx 2>&1)
[ $? -eq 0 ] && t_ok "docker build (classic builder) ($(($(date +%s) - s))s)" || t_fail "docker build (classic builder)" "$out"
t_expect "the built image runs: RUN, COPY, WORKDIR, ENV, ENTRYPOINT" 0 "built-hello
data-$$
/app
hello arg" "${X[@]}" docker run --rm --network=none built:1 arg
out=$(D exec dind sh -c 'docker save built:1 -o /root/built.tar && docker rmi built:1 >/dev/null &&
	docker load -i /root/built.tar && docker run --rm --network=none built:1 | sed -n 1p' 2>&1)
[ "$out" == "Loaded image: built:1
built-hello" ] && t_ok "docker save, rmi, load: the loaded image runs" || t_fail "docker save, rmi, load" "$out"
t_expect "docker run --privileged needs more than 17 capabilities (as on Linux)" 125 "" \
	"${X[@]}" docker run --rm --privileged --network=none bb:1 true
T_STAGE1=$(($(date +%s) - t))

# -- a second DinD container, with --cap-add all: `docker run --privileged` inside
if secs=$(start_dind dindall "${CVISOR_DIND[@]}" --cap-add all); then
	t_ok "DinD on cvisor with --cap-add all: inner dockerd answers (${secs}s)"
	inner_import dindall || t_fail "--cap-add all: docker import" "$(cat "$W/import.err")"
	want=$(D exec dindall sh -c 'grep CapBnd /proc/self/status | cut -f2')
	t_expect "--cap-add all: docker run --privileged inside has every capability and mounts" 0 \
		"$want mounted" "${DK[@]}" exec dindall docker run --rm --privileged --network=none bb:1 \
		sh -c 'mount -t tmpfs none /tmp && echo $(grep CapEff /proc/self/status | cut -f2) mounted'
else
	t_fail "DinD on cvisor with --cap-add all: inner dockerd answers" \
		"$(cat "$W/dindall.run"; D logs dindall 2>&1 | grep -v grpc | tail -15)"
fi

# -- isolation: host markers, then the probe from each workload
mkdir -p "$W/marker"
mount -t tmpfs -o size=1m cvisor-dind-marker "$W/marker"
MARKER_ARG=$((900000 + $$ % 99999))
sleep $MARKER_ARG &
MARKER_PID=$!
if [ -d /sys/fs/cgroup/pids ] && ! grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts; then
	MARKER_CG=/sys/fs/cgroup/pids/cvisor-dind-marker-$$
else
	MARKER_CG=/sys/fs/cgroup/cvisor-dind-marker-$$
fi
mkdir "$MARKER_CG" && echo $MARKER_PID >"$MARKER_CG/cgroup.procs"
MARKER_IF=cvdm$$
ip link add $MARKER_IF type veth peer name ${MARKER_IF}p 2>/dev/null || MARKER_IF=
PROBE_ARGS=("$W/marker" "$MARKER_PID" "$MARKER_ARG" "${MARKER_IF:-none}" "${MARKER_CG##*/}" "$SOCK")
ITEMS="mount process netif cgroup socket"
[ -n "$MARKER_IF" ] || ITEMS="mount process cgroup socket"

# probe_check WHERE WANT OUTPUT: one result per item; WANT is hidden or seen
probe_check() {
	local where=$1 want=$2 out=$3 w line
	for w in $ITEMS; do
		line=$(printf '%s\n' "$out" | grep "^PROBE $w ")
		case "$line" in
		"PROBE $w $want"*) t_ok "$where: host $w $want${line#PROBE $w $want}" ;;
		*) t_fail "$where: host $w $want" "${line:-no result: $out}" ;;
		esac
	done
}
P=$HERE/progs/dind_host_probe.sh
probe_check "cvisor DinD (17 caps)" hidden "$(D exec -i dind sh -s "${PROBE_ARGS[@]}" <"$P" 2>&1)"
probe_check "cvisor DinD (--cap-add all), inner --privileged" hidden \
	"$(D exec -i dindall docker run -i --rm --privileged --network=none bb:1 sh -s "${PROBE_ARGS[@]}" <"$P" 2>&1)"
# the runc baseline of ENVIRONMENT.md: its own inner dockerd works, and the probe finds all
if secs=$(start_dind dindrunc "${RUNC_DIND[@]}"); then
	t_ok "runc DinD baseline: inner dockerd answers (${secs}s)"
	probe_check "runc DinD (17 caps, host cgroups)" seen "$(D exec -i dindrunc sh -s "${PROBE_ARGS[@]}" <"$P" 2>&1)"
	destroy_probe_hierarchies
	for i in $(seq 30); do grep -q ':name=dindprobe' /proc/self/cgroup || break; sleep 0.1; done
	left=$(grep ':name=dindprobe' /proc/self/cgroup)
	[ -z "$left" ] && t_ok "the probe's cgroup v1 hierarchy is destroyed" ||
		t_fail "the probe's cgroup v1 hierarchy is destroyed" "$left"
else
	t_fail "runc DinD baseline: inner dockerd answers" "$(cat "$W/dindrunc.run"; D logs dindrunc 2>&1 | tail -5)"
fi

# -- the core steps inside plain `cvisor do` as root, over the DinD rootfs
t=$(date +%s)
mkdir "$W/rootfs" && tar -C "$W/rootfs" -xf "$TAR" && cp "$W/bb.tar" "$W/rootfs/root/bb.tar"
out=$(timeout 180 "$CVISOR" do --network=none --overlay --rootfs "$W/rootfs" -- /bin/sh -c '
	/usr/local/bin/dind-entrypoint >/root/dockerd.log 2>&1 &
	pid=$!
	for i in $(seq 600); do docker version >/dev/null 2>&1 && break; sleep 0.1; done
	echo "info $(docker info --format "{{.CgroupVersion}} {{.Driver}}" 2>&1)"
	docker import - bb:1 </root/bb.tar >/dev/null 2>&1
	echo "run $(docker run --rm --network=none bb:1 echo hi 2>&1)"
	docker run --rm --network=none bb:1 sh -c "exit 3" 2>/dev/null
	echo "exit $?"
	kill $pid
	wait $pid
	echo "dockerd $?"' 2>&1)
want="info 2 vfs
run hi
exit 3
dockerd 0"
[ "$out" == "$want" ] && t_ok "inside cvisor do: inner dockerd, info, import, run, exit status, stop ($(($(date +%s) - t))s)" ||
	t_fail "inside cvisor do: inner dockerd, info, import, run, exit status, stop" "$out"
rm -rf "$W/rootfs"

# -- nothing left behind by `docker rm -f` of the cvisor DinD containers
for name in dind dindall; do
	id=$(D inspect -f '{{.Id}}' $name 2>/dev/null) || continue
	pids=$(D top $name -eo pid 2>/dev/null | tail -n +2; pgrep -f -- "$id")
	D rm -f $name >/dev/null 2>&1
	# (the shim may still be on its way out when rm returns)
	for i in $(seq 50); do
		left=
		for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -n "$left" ] && left=$(for p in $left; do echo "process $p $(cut -d' ' -f3 /proc/$p/stat 2>/dev/null): $(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null)"; done)
	left="$left$(grep -F "$id" /proc/self/mountinfo)"
	left="$left$(find /sys/fs/cgroup -maxdepth 4 -name "$id" 2>/dev/null)"
	left="$left$(find /tmp -maxdepth 3 -name "*${id:0:12}*" 2>/dev/null)"
	[ -z "$left" ] && [ -n "$pids" ] &&
		t_ok "docker rm -f $name: no processes ($(echo $pids | wc -w) were), mounts, cgroups or files left" ||
		t_fail "docker rm -f $name leaves nothing" "pids before: $pids; left: $left"
done
D rm -f dindrunc >/dev/null 2>&1

took=$(($(date +%s) - T0))
echo "# stage 1 steps ${T_STAGE1}s, whole test ${took}s"
[ $took -lt 300 ] && t_ok "the whole test took ${took}s (under 5 minutes)" || t_fail "the whole test took ${took}s (want under 5 minutes)"
t_done
