#!/bin/sh
# dind.sh - the Docker-in-Docker cases of cvisor-bench (KIND_DIND, dind.c), against the
# harness's private dockerd (DOCKER_HOST). RUNTIME is the peer's docker runtime: runc (the
# baseline of ../../../shared/ENVIRONMENT.md: 17 capabilities, seccomp/apparmor/systempaths
# unconfined, the host's /sys/fs/cgroup bound rw), cvisor (17 capabilities, seccomp
# unconfined: docs/docker-in-cvisor.md) or runsc (--cap-add all, as gVisor's guide).
#
#   dind.sh setup RUNTIME   untimed: import the DinD image (tests/integration/images), start
#                           the peer's DinD container, import a busybox image inside, run it
#                           once, write a 3-step Dockerfile; fails with the reason
#   dind.sh ready RUNTIME   a fresh DinD container (created untimed): ms from `docker start`
#                           until its inner dockerd answers `docker exec … docker version`
#   dind.sh run RUNTIME     inner `docker run --rm --network=none bb true`
#   dind.sh build RUNTIME   inner classic `docker build --no-cache` of the 3-step Dockerfile
#   dind.sh teardown RUNTIME
# The timed subcommands print `ms X`; run and build time themselves inside the DinD
# container (/proc/uptime, 10 ms steps), so the outer `docker exec` is not counted.
set -eu
cmd=${1:?usage: dind.sh setup|ready|run|build|teardown RUNTIME}
rt=${2:?usage: dind.sh $cmd RUNTIME}
here=$(cd "$(dirname "$0")" && pwd)
name=cvisor-bench-dind-$rt
image=cvisor-bench-dind

caps() {
	for c in audit_write chown dac_override fowner fsetid kill mknod net_bind_service \
		net_admin net_raw setfcap setgid setpcap setuid sys_admin sys_chroot sys_ptrace; do
		printf -- '--cap-add %s ' $c
	done
}
flags() {
	case $rt in
	runc) echo "$(caps) --security-opt seccomp=unconfined --security-opt apparmor=unconfined" \
		"--security-opt systempaths=unconfined -v /sys/fs/cgroup:/sys/fs/cgroup:rw" ;;
	cvisor) echo "--runtime=cvisor $(caps) --security-opt seccomp=unconfined" ;;
	runsc) echo "--runtime=runsc --cap-add all" ;;
	*) echo "dind.sh: unknown runtime $rt" >&2; exit 2 ;;
	esac
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# start NAME: a DinD container; waits up to 60 s for its inner dockerd
start() {
	docker create --name "$1" --network=none $(flags) $image >/dev/null
	docker start "$1" >/dev/null
	wait_inner "$1"
}
wait_inner() {
	i=0
	until docker exec "$1" docker version >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -ge 1200 ] || [ "$(docker inspect -f '{{.State.Running}}' "$1")" != true ]; then
			echo "inner dockerd of $rt did not answer: $(docker logs "$1" 2>&1 | grep -v grpc | tail -2 | tr '\n' ' ')" >&2
			return 1
		fi
		sleep 0.05
	done
}
# inner SCRIPT: runs SCRIPT in the peer's DinD container, timed there; prints `ms X`
inner() {
	docker exec "$name" sh -c 'up() { awk "{ printf \"%d\", \$1 * 100 }" /proc/uptime; }
		s=$(up); '"$1"' >/dev/null 2>/tmp/inner.err || { cat /tmp/inner.err >&2; exit 1; }
		echo ms $((($(up) - s) * 10))'
}

case $cmd in
setup)
	docker image inspect $image >/dev/null 2>&1 ||
		docker import -c 'ENTRYPOINT ["/usr/local/bin/dind-entrypoint"]' \
			"$("$here/../../tests/integration/images/dind-image.sh")" $image >/dev/null
	docker rm -f "$name" >/dev/null 2>&1 || true
	start "$name"
	bb=$(mktemp -d)
	trap 'rm -rf "$bb"' EXIT
	mkdir -p "$bb/bin" "$bb/etc" "$bb/tmp"
	cp /bin/busybox "$bb/bin/"
	for a in sh true echo cat; do ln -s busybox "$bb/bin/$a"; done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$bb/etc/passwd"
	tar -C "$bb" -c . | docker exec -i "$name" docker import - bb >/dev/null
	docker exec "$name" docker run --rm --network=none bb true
	docker exec "$name" sh -c 'mkdir -p /ctx && echo data >/ctx/data.txt &&
		printf "FROM bb\nCOPY data.txt /data.txt\nRUN cat /data.txt >/copy.txt\n" >/ctx/Dockerfile'
	;;
ready)
	n=$name-ready
	docker rm -f $n >/dev/null 2>&1 || true
	# (created untimed: the outer storage driver's copy of the image is not the point)
	docker create --name $n --network=none $(flags) $image >/dev/null
	t=$(now_ms)
	docker start $n >/dev/null
	wait_inner $n
	echo "ms $(($(now_ms) - t))"
	docker rm -f $n >/dev/null
	;;
run) inner 'docker run --rm --network=none bb true' ;;
build) inner 'DOCKER_BUILDKIT=0 docker build --no-cache -q -t b3 /ctx' ;;
teardown) docker rm -f "$name" "$name-ready" >/dev/null 2>&1 || true ;;
*) echo "dind.sh: unknown subcommand $cmd" >&2; exit 2 ;;
esac
