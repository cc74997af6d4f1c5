#!/bin/bash
# linux.seccomp of config.json end to end: `cvisor run` of a busybox bundle whose process
# first turns the config's linux.seccomp into BPF (runtime/oci_seccomp.c, in the static
# helper progs/oci_seccomp_exec.c) and installs it inside the sandbox, then runs busybox:
# a representative Docker default profile runs `sh -c 'echo ok'`; a profile refusing mkdir
# gives EPERM; a bad profile names its field. (Once the runtime calls seccomp_task_preload
# for linux.seccomp, the helper goes and the same bundles check the hook.) Needs root,
# busybox-static, libseccomp-dev and libjansson-dev (static archives).
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
W=$(mktemp -d /tmp/cvisor-ociseccomp-XXXXXX)
R=$W/root
B=$W/bundle
cv() { timeout 30 "$CVISOR" --root "$R" "$@"; }
cleanup() {
	for id in $(cv list -q 2>/dev/null); do cv delete --force "$id" >/dev/null 2>&1; done
	rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/"
for a in sh echo mkdir ls cat id; do ln -s busybox "$B/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$B/rootfs/etc/passwd"
if gcc -static -O1 -D_GNU_SOURCE -I"$SRC" -o "$B/rootfs/bin/oci-seccomp-exec" \
	"$SRC/tests/integration/progs/oci_seccomp_exec.c" "$SRC/runtime/oci_seccomp.c" \
	-lseccomp -ljansson 2> "$W/cc.log"; then
	t_ok "static helper builds"
else
	t_fail "static helper builds" "$(cat "$W/cc.log")"
	t_done
fi
(cd "$B" && "$CVISOR" spec) || { t_fail "spec"; t_done; }

# use_profile FILE ARGS_JSON: linux.seccomp = FILE's object; process.args = the helper + ARGS;
# the config is also copied into the rootfs for the helper.
use_profile() {
	python3 - "$B/config.json" "$1" "$2" <<'PY'
import json, sys
cfg_path, prof, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
c = json.load(open(cfg_path))
c["linux"]["seccomp"] = json.load(open(prof))
c["process"]["args"] = ["/bin/oci-seccomp-exec", "/config.json"] + args
c["process"]["terminal"] = False
c["root"]["readonly"] = False
json.dump(c, open(cfg_path, "w"), indent=1)
PY
	cp "$B/config.json" "$B/rootfs/config.json"
}

# the Docker-like default profile: busybox runs
use_profile "$SRC/tests/unit/runtime/docker_default_seccomp.json" '["/bin/sh","-c","echo ok"]'
t_expect "docker default profile: sh -c 'echo ok'" 0 "ok" "$CVISOR" --root "$R" run --bundle "$B" d1
use_profile "$SRC/tests/unit/runtime/docker_default_seccomp.json" \
	'["/bin/sh","-c","mkdir /tmp/d && ls -d /tmp/d && id -u"]'
t_expect "docker default profile: mkdir, ls, id" 0 "/tmp/d
0" "$CVISOR" --root "$R" run --bundle "$B" d2

# a profile refusing mkdir with EPERM
cat > "$W/no_mkdir.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "architectures": ["SCMP_ARCH_X86_64"],
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
use_profile "$W/no_mkdir.json" '["/bin/sh","-c","mkdir /tmp/m; echo rc=$?; ls /tmp"]'
out=$(cv run --bundle "$B" m1 2>&1)
case "$out" in
*"Operation not permitted"*rc=1*) t_ok "mkdir refused with EPERM" ;;
*) t_fail "mkdir refused with EPERM" "$out" ;;
esac
[ ! -e "$B/rootfs/tmp/m" ] && t_ok "no directory was made" || t_fail "no directory was made"
use_profile "$W/no_mkdir.json" '["/bin/sh","-c","echo > /tmp/f && cat /proc/self/status | grep -c ."]'
out=$(cv run --bundle "$B" m2 2>&1)
[ -e "$B/rootfs/tmp/f" ] && t_ok "other calls run under the filter" || t_fail "other calls run under the filter" "$out"

# a bad profile: one line naming the field, nothing runs
echo '{"defaultAction": "SCMP_ACT_BOGUS"}' > "$W/bad.json"
use_profile "$W/bad.json" '["/bin/sh","-c","echo ran"]'
out=$(cv run --bundle "$B" b1 2>&1)
rc=$?
if [ $rc -eq 125 ] && echo "$out" | grep -q 'linux.seccomp.defaultAction: unknown action "SCMP_ACT_BOGUS"'; then
	t_ok "bad profile: field named, nothing runs"
else
	t_fail "bad profile: field named, nothing runs" "exit $rc: $out"
fi
t_done
