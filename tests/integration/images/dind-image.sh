#!/bin/bash
# dind-image.sh - a Docker-in-Docker root filesystem from local files (never `docker pull`).
#
# Usage: dind-image.sh            prints the path of the rootfs tarball (building it if needed)
#
# The rootfs: busybox-static with its applets, Debian's dockerd, docker, containerd,
# containerd-shim-runc-v2, runc, docker-init (and ip, iptables when installed), every shared
# library `ldd` lists for them copied with `cp -L` to the same path, and
# /usr/local/bin/dind-entrypoint, which mounts what dockerd needs and starts it with the
# simple flags of seeds/dind-simple-flags.md. Import it with
#   docker import -c 'ENTRYPOINT ["/usr/local/bin/dind-entrypoint"]' TARBALL NAME
#
# The tarball is cached in $CVISOR_CACHE (default /var/cache/cvisor) under a key made of
# the installed package versions and this script's own checksum, so a second run costs a
# `dpkg-query`. Needs root (ldd, cp of root-only files) and busybox-static + docker.io.
set -eu

CACHE=${CVISOR_CACHE:-/var/cache/cvisor}
PKGS="docker.io containerd runc busybox-static iptables iproute2"
BINS="/usr/sbin/dockerd /usr/bin/docker /usr/bin/containerd /usr/bin/containerd-shim-runc-v2
/usr/sbin/runc /usr/bin/docker-init"
OPT_BINS="/usr/sbin/ip /usr/sbin/iptables /usr/sbin/iptables-legacy"

for b in $BINS; do
	[ -x "$b" ] || { echo "dind-image: $b missing (install docker.io)" >&2; exit 2; }
done
BUSYBOX=/bin/busybox
file -L "$BUSYBOX" 2>/dev/null | grep -q "statically linked" ||
	{ echo "dind-image: $BUSYBOX is not busybox-static" >&2; exit 2; }

versions=$(dpkg-query -W -f '${Package}=${Version}\n' $PKGS 2>/dev/null || true)
key=$( { echo "$versions"; sha256sum <"$0"; } | sha256sum | cut -c1-16)
OUT=$CACHE/dind-rootfs-$key.tar
if [ -s "$OUT" ]; then
	echo "$OUT"
	exit 0
fi

mkdir -p "$CACHE"
R=$(mktemp -d /tmp/cvisor-dind-rootfs-XXXXXX)
trap 'rm -rf "$R"' EXIT

# copy_with_libs FILE: FILE and every library ldd lists for it, at the same paths
copy_with_libs() {
	mkdir -p "$R$(dirname "$1")"
	cp -L "$1" "$R$1"
	ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		[ -e "$R$lib" ] && continue
		mkdir -p "$R$(dirname "$lib")"
		cp -L "$lib" "$R$lib"
	done
}

mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc/docker,root,tmp,run,proc,sys,dev}
mkdir -p "$R"/var/lib/docker "$R"/lib64
chmod 1777 "$R/tmp"
ln -s ../run "$R/var/run"
cp "$BUSYBOX" "$R/bin/busybox"
for b in $BINS; do copy_with_libs "$b"; done
for b in $OPT_BINS; do [ -e "$b" ] && copy_with_libs "$b"; done
# iptables' matches and targets are plugins
[ -d /usr/lib/x86_64-linux-gnu/xtables ] && mkdir -p "$R/usr/lib/x86_64-linux-gnu" &&
	cp -rL /usr/lib/x86_64-linux-gnu/xtables "$R/usr/lib/x86_64-linux-gnu/"
# every busybox applet that no real binary shadows
for a in $("$BUSYBOX" --list-full); do
	[ -e "$R/$a" ] || [ -L "$R/$a" ] || ln -s /bin/busybox "$R/$a"
done

cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
printf 'root:x:0:\ndocker:x:999:\nnogroup:x:65534:\n' >"$R/etc/group"
echo 'hosts: files dns' >"$R/etc/nsswitch.conf"
# dockerd names the operating system from it (`docker info`)
[ -e /usr/lib/os-release ] && mkdir -p "$R/usr/lib" && cp -L /usr/lib/os-release "$R/usr/lib/" &&
	ln -s ../usr/lib/os-release "$R/etc/os-release"

cat >"$R/usr/local/bin/dind-entrypoint" <<'EOF'
#!/bin/sh
# Starts dockerd the simple way (seeds/dind-simple-flags.md): data root and /run on tmpfs
# (/tmp stays on the image's root, where `docker cp` from outside reaches it), a cgroup
# filesystem at /sys/fs/cgroup if there is none, no iptables, no bridge, vfs storage.
# Extra arguments go to dockerd. The inner runtime is Debian's runc as it is (its cgroup v2
# device rules are bpf(2) programs the Sentry runs).
set -e
mountpoint -q /var/lib/docker || mount -t tmpfs -o mode=0711 tmpfs /var/lib/docker
mountpoint -q /run || mount -t tmpfs -o mode=0755 tmpfs /run
if ! grep -q ' /sys/fs/cgroup[ /]' /proc/self/mountinfo; then
	mountpoint -q /sys || mount -t sysfs sysfs /sys 2>/dev/null || true
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
elif grep -q ' /sys/fs/cgroup .* - cgroup2 .* ro[ ,]' /proc/self/mountinfo; then
	mount -o remount,rw /sys/fs/cgroup
fi
exec dockerd --iptables=false --ip-forward=false --userland-proxy=false --bridge=none \
	--storage-driver=vfs "$@"
EOF
chmod 755 "$R/usr/local/bin/dind-entrypoint"

tar -C "$R" --numeric-owner -cf "$OUT.tmp" .
mv "$OUT.tmp" "$OUT"
# older keys' tarballs are dead weight
for old in "$CACHE"/dind-rootfs-*.tar; do [ "$old" = "$OUT" ] || rm -f "$old"; done
echo "$OUT"
