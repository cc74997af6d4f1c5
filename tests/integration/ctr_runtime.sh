#!/bin/bash
# cvisor under containerd: a private containerd (Debian's, from docker.io / containerd
# packages; its own root, state, sockets and opt dir under a mktemp directory, CRI plugin
# off, stopped by pid), a busybox image imported from a docker-archive tarball built here
# from local files (never pulled), and `ctr run --runc-binary bin/cvisor` through the
# io.containerd.runc.v2 shim: output, exit status, a detached task with exec and kill, and
# nothing left behind in cvisor's --root. Needs root. Runs in about 10 s.
# (The shim's sockets go to /run/containerd/s/, where containerd 1.6 always puts them;
# the shim removes them.)
. "$(dirname "$0")/lib.sh"

if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null ||
	! command -v containerd-shim-runc-v2 >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y containerd >/dev/null 2>&1 ||
		{ echo "not ok 1 - install containerd"; echo "0 passed, 1 failed"; exit 1; }
fi
W=$(mktemp -d /tmp/cvisor-ctr-XXXXXX)
NS=cvisor-ctr-$$
SOCK=$W/containerd.sock
# the native snapshotter copies the image: no overlay mounts, any backing filesystem
export CONTAINERD_SNAPSHOTTER=native
C() { timeout 60 ctr -a "$SOCK" -n "$NS" "$@"; }
RUNC="--runc-binary $CVISOR --runc-root $W/cvisor-root"
IMG=docker.io/library/cvisor-busybox:test
CPID=
cleanup() {
	if [ -n "$CPID" ]; then
		for t in $(C task ls -q 2>/dev/null); do C task kill -s KILL "$t" >/dev/null 2>&1; done
		sleep 0.3
		for t in $(C task ls -q 2>/dev/null); do C task delete -f "$t" >/dev/null 2>&1; done
		for c in $(C container ls -q 2>/dev/null); do C container rm "$c" >/dev/null 2>&1; done
		kill "$CPID" 2>/dev/null
		for i in $(seq 100); do kill -0 "$CPID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$CPID" 2>/dev/null
		wait "$CPID" 2>/dev/null
	fi
	# the cgroup parent ctr names after the namespace (linux.cgroupsPath /NS/ID)
	for d in /sys/fs/cgroup/*/"$NS"; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	grep -q " $W/" /proc/mounts && umount -R "$W"/* 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

cat >"$W/config.toml" <<EOF
version = 2
root = "$W/root"
state = "$W/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$W/opt"
EOF
containerd --config "$W/config.toml" >"$W/containerd.log" 2>&1 &
CPID=$!
for i in $(seq 100); do C version >/dev/null 2>&1 && break; sleep 0.1; done
if C version >/dev/null 2>&1; then t_ok "private containerd"; else
	t_fail "private containerd" "$(tail -20 "$W/containerd.log")"
	t_done
	exit 1
fi

# a busybox image as a docker-archive (manifest.json, config, one uncompressed layer)
I=$W/img
mkdir -p "$I/bin" "$I/etc" "$I/tmp" "$I/proc" "$I/sys" "$I/dev" "$I/root"
cp /bin/busybox "$I/bin/"
for a in sh echo cat sleep true grep; do ln -s busybox "$I/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$I/etc/passwd"
echo 'root:x:0:' >"$I/etc/group"
python3 - "$I" "$W/busybox.tar" "${IMG#docker.io/library/}" <<'EOF'
import hashlib, io, json, sys, tarfile
src, out, tag = sys.argv[1:4]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
    t.add(src, arcname=".")
layer = buf.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"]},
                     "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
layer_name = diff_id[7:] + "/layer.tar"
manifest = json.dumps([{"Config": config_name, "RepoTags": [tag], "Layers": [layer_name]}])
with tarfile.open(out, "w") as t:
    for name, data in ((config_name, config), (layer_name, layer),
                       ("manifest.json", manifest.encode())):
        ti = tarfile.TarInfo(name)
        ti.size, ti.mode = len(data), 0o644
        t.addfile(ti, io.BytesIO(data))
EOF
C image import "$W/busybox.tar" >"$W/import.log" 2>&1 && C image ls -q | grep -qx "$IMG" &&
	t_ok "ctr image import of a local docker-archive" ||
	t_fail "ctr image import of a local docker-archive" "$(cat "$W/import.log")"

t_expect "ctr run --rm echo hi" 0 "hi" ctr -a "$SOCK" -n "$NS" run --rm $RUNC "$IMG" r1 echo hi
t_expect "ctr run exit status" 3 "" ctr -a "$SOCK" -n "$NS" run --rm $RUNC "$IMG" r2 sh -c 'exit 3'
# the kernel cvisor reports is its own: proof the shim ran bin/cvisor, not runc
t_expect "ctr run ran under cvisor" 0 "cvisor@cvisor" ctr -a "$SOCK" -n "$NS" run --rm $RUNC "$IMG" r3 \
	grep -o cvisor@cvisor /proc/version
# the pause: ctr calls CloseIO on stdin's EOF only once its task exists; an EOF before that
# is lost and `cat` waits for ever, under runc as under cvisor (ctr 1.6's race)
out=$( (sleep 1; echo piped) | C run --rm $RUNC "$IMG" r4 cat 2>&1)
[ "$out" == "piped" ] && t_ok "ctr run: stdin" || t_fail "ctr run: stdin" "$out"

# a detached task: exec, kill (SIGTERM by default), delete
C run -d $RUNC "$IMG" d1 sh -c 'trap "exit 0" TERM; while true; do sleep 0.1; done' >"$W/d1.log" 2>&1
C task ls | grep -q "^d1 .*RUNNING" && t_ok "ctr run -d: task RUNNING" ||
	t_fail "ctr run -d: task RUNNING" "$(cat "$W/d1.log"; C task ls)"
t_expect "ctr task exec: output and exit status" 4 "in-exec" ctr -a "$SOCK" -n "$NS" task exec --exec-id x1 d1 \
	sh -c 'echo in-exec; exit 4'
C task kill d1 >/dev/null 2>&1
for i in $(seq 50); do C task ls | grep -q "^d1 .*STOPPED" && break; sleep 0.1; done
C task ls | grep -q "^d1 .*STOPPED" && t_ok "ctr task kill: STOPPED" || t_fail "ctr task kill: STOPPED" "$(C task ls)"
out=$(C task kill d1 2>&1)
case "$out" in *"not found"*) t_ok "ctr task kill of a stopped task: not found (runc's 'container not running')" ;;
*) t_fail "ctr task kill of a stopped task: not found (runc's 'container not running')" "$out" ;; esac
st=$(C task delete d1 2>&1)
[ $? -eq 0 ] && t_ok "ctr task delete" || t_fail "ctr task delete" "$st"
C container rm d1 >/dev/null 2>&1
C container ls -q | grep -q . && t_fail "no containers left" "$(C container ls)" || t_ok "no containers left"
left=$(ls -A "$W/cvisor-root/$NS" 2>/dev/null)
[ -z "$left" ] && t_ok "nothing left in cvisor's --root" || t_fail "nothing left in cvisor's --root" "$left"
left=$(ps -eo pid=,args= | grep -F -- "$W/cvisor-root" | grep -v grep)
[ -z "$left" ] && t_ok "no Sentry left" || t_fail "no Sentry left" "$left"

t_done
