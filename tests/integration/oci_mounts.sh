#!/bin/bash
# OCI "bind" mounts of host paths (Docker's -v, /etc/hosts): a read-write directory, a
# read-only one, a single file, a missing source, and ".." from inside a bind staying in
# it. Needs root and busybox-static.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-mnt-XXXXXX)
R=$W/root
B=$W/bundle
H=$W/host
cv() { timeout 30 "$CVISOR" --root "$R" "$@"; }
cleanup() {
	for id in $(cv list -q 2>/dev/null); do cv delete --force "$id" >/dev/null 2>&1; done
	rm -rf "$W"
}
trap cleanup EXIT

# set_config ARGS_JSON MOUNTS_JSON: process.args and extra mounts of $B/config.json
set_config() {
	python3 - "$B/config.json" "$1" "$2" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["args"] = json.loads(sys.argv[2])
c["process"]["terminal"] = False
c["root"]["readonly"] = False  # as Docker runs it: missing mount points get created
c["mounts"] = [m for m in c["mounts"] if m.get("type") != "bind"] + json.loads(sys.argv[3])
json.dump(c, open(p, "w"), indent=1)
PY
}
# run_in NAME WANT_RC WANT_OUT SCRIPT MOUNTS_JSON
run_in() {
	set_config "$(python3 -c 'import json,sys; print(json.dumps(["sh","-c",sys.argv[1]]))' "$4")" "$5"
	t_expect "$1" "$2" "$3" "$CVISOR" --root "$R" run --bundle "$B" "c$T_N"
}

mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/"
for a in sh echo cat ls touch mkdir; do ln -s busybox "$B/rootfs/bin/$a"; done
(cd "$B" && "$CVISOR" spec) || t_fail "spec"
mkdir -p "$H/rw/sub" "$H/ro"
echo host-secret > "$H/secret"
echo from-host > "$H/ro/file"
echo "10.1.2.3 bound-host" > "$H/hosts"

RW='[{"destination":"/data","type":"bind","source":"'$H/rw'","options":["rbind","rw"]}]'
run_in "rw bind: write inside" 0 "" 'echo written > /data/new && mkdir /data/d' "$RW"
[ "$(cat "$H/rw/new" 2>/dev/null)" == "written" ] && [ -d "$H/rw/d" ] &&
	t_ok "rw bind: the write is seen on the host" || t_fail "rw bind: the write is seen on the host"
[ -d "$B/rootfs/data" ] && t_ok "missing destination directory created" || t_fail "missing destination directory created"
echo host-side > "$H/rw/hostfile"
run_in "rw bind: host files seen inside" 0 "host-side" 'cat /data/hostfile' "$RW"

RO='[{"destination":"/ro","type":"bind","source":"'$H/ro'","options":["bind","ro"]}]'
run_in "ro bind: reads" 0 "from-host" 'cat /ro/file' "$RO"
run_in "ro bind: write is EROFS" 0 "erofs" '{ echo x > /ro/file; } 2>/tmp/e; grep -qi "read-only" /tmp/e && echo erofs' "$RO"
run_in "ro bind: create is EROFS" 0 "erofs" 'touch /ro/new 2>/tmp/e; grep -qi "read-only" /tmp/e && echo erofs' "$RO"
[ "$(cat "$H/ro/file")" == "from-host" ] && [ ! -e "$H/ro/new" ] &&
	t_ok "ro bind: host unchanged" || t_fail "ro bind: host unchanged"

FILE='[{"destination":"/etc/hosts","type":"bind","source":"'$H/hosts'","options":["rbind","rprivate"]}]'
run_in "file bind: read" 0 "10.1.2.3 bound-host" 'cat /etc/hosts' "$FILE"
[ -f "$B/rootfs/etc/hosts" ] && t_ok "missing destination file created" || t_fail "missing destination file created"
run_in "file bind: write through" 0 "" 'echo "10.9.9.9 other" >> /etc/hosts' "$FILE"
grep -q "10.9.9.9 other" "$H/hosts" && t_ok "file bind: the write is seen on the host" || t_fail "file bind: the write is seen on the host"
run_in "file bind: nothing of its host directory is reachable" 0 "no" \
	'cat /etc/hosts/../secret 2>/dev/null || echo no' "$FILE"

run_in ".. from inside a bind stays in the sandbox" 0 "no no" \
	'a=no; b=no; cat /data/../../secret 2>/dev/null && a=yes; cat /data/sub/../../../secret 2>/dev/null && b=yes; echo $a $b' "$RW"
run_in ".. of the bind root is the sandbox's /" 0 "/bin" 'cd /data/.. && ls -d "$PWD"bin' "$RW"

MISSING='[{"destination":"/x","type":"bind","source":"'$W/nope'","options":["bind"]}]'
set_config '["true"]' "$MISSING"
out=$(cv run --bundle "$B" cmissing 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "mounts\[[0-9]*\].source $W/nope" &&
	t_ok "missing source: error names mounts[i].source" || t_fail "missing source: error names mounts[i].source" "exit $rc: $out"

# a read-only rootfs cannot get new mount points, but existing ones are used
set_config '["true"]' "$RW"
python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["root"]["readonly"]=True; c["process"]["args"]=["cat","/data/hostfile"]; json.dump(c,open(p,"w"))' "$B/config.json"
t_expect "read-only rootfs: bind on an existing directory" 0 "host-side" "$CVISOR" --root "$R" run --bundle "$B" cro1
python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["mounts"][-1]["destination"]="/newdir"; json.dump(c,open(p,"w"))' "$B/config.json"
out=$(cv run --bundle "$B" cro2 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q "on /newdir: Read-only file system" &&
	t_ok "read-only rootfs: missing mount point is EROFS" || t_fail "read-only rootfs: missing mount point is EROFS" "exit $rc: $out"

REL='[{"destination":"/rel","type":"bind","source":"relsrc","options":["bind","ro"]}]'
mkdir -p "$B/relsrc" && echo rel > "$B/relsrc/f"
run_in "relative source is under the bundle" 0 "rel" 'cat /rel/f' "$REL"

t_done
