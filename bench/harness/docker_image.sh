#!/bin/sh
# docker_image.sh NAME - imports a busybox image NAME from local files (never docker pull):
# /bin/busybox (busybox-static) with the applets the docker_true case needs, and an
# /etc/passwd. cvisor-bench runs it against its private dockerd (DOCKER_HOST, docker.c).
set -eu
name=${1:?usage: docker_image.sh NAME}
bb=/bin/busybox
[ -x "$bb" ] || { echo "docker_image.sh: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp"
cp "$bb" "$dir/bin/busybox"
for a in sh true sleep echo cat ls; do
	ln -s busybox "$dir/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
tar -C "$dir" -c . | docker import - "$name" >/dev/null
