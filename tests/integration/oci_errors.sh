#!/bin/bash
# The OCI runtime's errors, as runc gives them, on a busybox bundle built from local files:
# bad config.json (missing or mistyped fields, unknown namespace, malformed JSON, missing
# root path, a bind source that is not there) is one line naming the field, exit 1 and
# nothing left under --root (no state directory, no Sentry; no cgroup after a failure in
# the Sentry); verbs used out of order or on unknown / invalid ids get runc's messages and
# exit 1; a paused container takes only SIGKILL and `delete --force`; with --log FILE
# --log-format json the error is also a {"level":"error","msg":...,"time":...} line in FILE.
# Needs root and busybox-static. Runs in a few seconds.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-ocierr-XXXXXX)
R=$W/root
B=$W/bundle
# ids of containers that get made: unique, since create's cgroups (/cvisor/ID) are host-wide
C1=c1-$$ C3=c3-$$ P1=p1-$$ P2=p2-$$
cv() { timeout 30 "$CVISOR" --root "$R" "$@"; }
cleanup() {
	for id in $(cv list -q 2>/dev/null); do cv delete --force "$id" >/dev/null 2>&1; done
	for d in /sys/fs/cgroup/*/cvisor/bad*-"$$"; do [ -d "$d" ] && rmdir "$d"; done
	rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/"
for a in sh echo sleep true; do ln -s busybox "$B/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' >"$B/rootfs/etc/passwd"
(cd "$B" && "$CVISOR" spec) || { t_fail "cvisor spec"; t_done; exit 1; }
cp "$B/config.json" "$W/spec.json"

# edit PYTHON_STATEMENTS: config.json = the default spec (process.terminal false, args
# `sleep 30`) changed by the statements, which see it as `c` (a dict)
edit() {
	python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "30"]
exec(sys.argv[3])
json.dump(c, open(sys.argv[2], "w"), indent=1)' "$W/spec.json" "$B/config.json" "$1"
}

# sentries_of_root: host processes whose command line names $R (the Sentry is a fork of
# `cvisor --root $R create`; its stubs carry no such argument but die with it)
sentries_of_root() { ps -eo pid=,args= | grep -F -- "$R" | grep -v grep; }

# bad_config NAME WANT_LINE PYTHON: create must fail with exactly WANT_LINE on stderr (one
# line), exit 1, and leave no state directory and no Sentry behind.
bad_config() {
	local name=$1 want=$2 out rc
	edit "$3"
	out=$(cv create --bundle "$B" bad 2>&1 >/dev/null)
	rc=$?
	if [ $rc -eq 1 ] && [ "$out" == "$want" ]; then
		t_ok "$name: one line naming the field"
	else
		t_fail "$name: one line naming the field" "want exit 1 '$want'; got exit $rc '$out'"
	fi
	if [ -z "$(ls -A "$R" 2>/dev/null)" ] && [ -z "$(sentries_of_root)" ]; then
		t_ok "$name: nothing left under --root"
	else
		t_fail "$name: nothing left under --root" "$(ls -la "$R"; sentries_of_root)"
	fi
}

# json_error LOG WANT_MSG: the last line of LOG is {"level":"error","msg":WANT_MSG,"time":RFC 3339}
json_error() {
	python3 -c '
import json, re, sys
d = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert d["level"] == "error", d
assert d["msg"] == sys.argv[2], (d["msg"], sys.argv[2])
assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", d["time"]), d
' "$1" "$2" 2>&1
}
P='cvisor: config.json:'
bad_config "missing root" "$P root: missing (root.path names the container's root filesystem)" \
	'del c["root"]'
bad_config "process.args a string" "$P process.args: expected an array of strings" \
	'c["process"]["args"] = "sleep 30"'
bad_config "process.user.uid a string" "$P process.user.uid: expected an unsigned 32-bit integer" \
	'c["process"]["user"]["uid"] = "0"'
bad_config "process.env holds a number" "$P process.env: expected an array of strings" \
	'c["process"]["env"] = ["PATH=/bin", 7]'
bad_config "root.readonly a string" "$P root.readonly: expected true or false" \
	'c["root"]["readonly"] = "yes"'
bad_config "unknown namespace type" "$P linux.namespaces[1].type: unknown namespace type \"bogus\"" \
	'c["linux"]["namespaces"] = [{"type": "pid"}, {"type": "bogus"}]'
bad_config "missing process" "$P process: missing (the container's first process)" \
	'del c["process"]'
bad_config "empty process.args" "$P process.args: must not be empty" \
	'c["process"]["args"] = []'
bad_config "non-existent root path" "cvisor: root.path $B/nope: No such file or directory" \
	'c["root"]["path"] = "nope"'

# malformed JSON: the parser's position, one line
printf '{ "ociVersion": "1.0.2", "root": {"path": "rootfs"},\n  "process": {"args": ["sh"],, }\n' >"$B/config.json"
out=$(cv create --bundle "$B" bad 2>&1 >/dev/null)
rc=$?
case "$out" in
"$P line 2 column "*) [ $rc -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
	t_ok "malformed JSON: one line with the position" ||
	t_fail "malformed JSON: one line with the position" "exit $rc: $out" ;;
*) t_fail "malformed JSON: one line with the position" "exit $rc: $out" ;;
esac
[ -z "$(ls -A "$R" 2>/dev/null)" ] && t_ok "malformed JSON: nothing left under --root" ||
	t_fail "malformed JSON: nothing left under --root" "$(ls -la "$R")"
rm -f "$B/config.json"
out=$(cv create --bundle "$B" bad 2>&1 >/dev/null)
rc=$?
[ $rc -eq 1 ] && [ "$out" == "$P cannot read $B/config.json: No such file or directory" ] &&
	t_ok "no config.json: named" || t_fail "no config.json: named" "exit $rc: $out"

# Some mistakes are found by the Sentry after the fork (a bind source that is not there, a
# process.cwd missing in the rootfs): create still fails with one line naming the field,
# which is also its --log error (the last one, which containerd reads back), and cleans up
# the state directory, the Sentry and the cgroups it had made (/cvisor/ID in each v1
# controller, runtime/README.md).
# sentry_failure NAME ID WANT_LINE PYTHON
sentry_failure() {
	local name=$1 id=$2 want=$3 out rc why left
	edit "$4"
	rm -f "$W/sentry.log"
	out=$(cv --log "$W/sentry.log" --log-format json create --bundle "$B" "$id" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq 1 ] && [ "$out" == "$want" ] && t_ok "$name: one line naming the field" ||
		t_fail "$name: one line naming the field" "want exit 1 '$want'; got exit $rc '$out'"
	why=$(json_error "$W/sentry.log" "${want#cvisor: }") && t_ok "$name: the same line is --log's last error" ||
		t_fail "$name: the same line is --log's last error" "$why; $(cat "$W/sentry.log")"
	sleep 0.2
	[ -z "$(ls -A "$R" 2>/dev/null)" ] && [ -z "$(sentries_of_root)" ] &&
		t_ok "$name: nothing left under --root" ||
		t_fail "$name: nothing left under --root" "$(ls -la "$R"; sentries_of_root)"
	left=$(ls -d /sys/fs/cgroup/*/cvisor/"$id" 2>/dev/null)
	[ -z "$left" ] && t_ok "$name: no cgroup left" || t_fail "$name: no cgroup left" "$left"
}
n_mounts=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["mounts"]))' "$W/spec.json")
sentry_failure "missing bind source" "badmnt-$$" \
	"cvisor: mounts[$n_mounts].source /nonexistent-cvisor-src: No such file or directory" \
	'c["mounts"].append({"destination": "/data", "type": "bind", "source": "/nonexistent-cvisor-src", "options": ["rbind"]})'
sentry_failure "missing process.cwd" "badcwd-$$" \
	"cvisor: process.cwd /nonexistent-dir: No such file or directory" \
	'c["process"]["cwd"] = "/nonexistent-dir"'

# ---- verbs out of order (runc's messages, exit 1) ----
edit 'c["process"]["args"] = ["sleep", "30"]'
if cv create --bundle "$B" "$C1" >"$W/c1.out" 2>&1 && cv start "$C1"; then
	t_ok "create and start c1"
else
	t_fail "create and start c1" "$(cat "$W/c1.out")"
fi
t_expect "start twice" 1 "cvisor: cannot start an already running container" "$CVISOR" --root "$R" start $C1
t_expect "delete of a running container without --force" 1 \
	"cvisor: cannot delete container $C1 that is not stopped: running" "$CVISOR" --root "$R" delete $C1
cv state $C1 | grep -q '"status": "running"' && t_ok "the refused delete left c1 running" ||
	t_fail "the refused delete left c1 running" "$(cv state $C1 2>&1)"
t_expect "create with an id that exists" 1 "cvisor: container with id $C1 already exists" \
	"$CVISOR" --root "$R" create --bundle "$B" $C1
cv state $C1 | grep -q '"status": "running"' && t_ok "the refused create left c1 alone" ||
	t_fail "the refused create left c1 alone" "$(cv state $C1 2>&1)"
cv kill $C1 KILL
for i in $(seq 50); do cv state $C1 | grep -q '"status": "stopped"' && break; sleep 0.1; done
cv state $C1 | grep -q '"status": "stopped"' && t_ok "c1 stopped" || t_fail "c1 stopped" "$(cv state $C1 2>&1)"
t_expect "kill of a stopped container" 1 "cvisor: container not running" "$CVISOR" --root "$R" kill $C1 KILL
t_expect "kill --all of a stopped container succeeds (runc)" 0 "" "$CVISOR" --root "$R" kill --all $C1 KILL
t_expect "start of a stopped container" 1 "cvisor: cannot start a container that has stopped" \
	"$CVISOR" --root "$R" start $C1
t_expect "delete of a stopped container" 0 "" "$CVISOR" --root "$R" delete $C1

# ---- a paused container (frozen: only SIGKILL reaches it, after a thaw) ----
edit 'c["process"]["args"] = ["sleep", "30"]'
cv create --bundle "$B" $P1 >"$W/p1.out" 2>&1 && cv start $P1 || cat "$W/p1.out"
if cv pause $P1 2>"$W/pause.err"; then
	out=$(cv kill $P1 TERM 2>&1)
	[ $? -eq 1 ] && [ "$out" == "cvisor: kill $P1: container paused: only SIGKILL reaches it before resume" ] &&
		t_ok "kill TERM of a paused container refused" || t_fail "kill TERM of a paused container refused" "$out"
	start=$(date +%s%N)
	cv delete --force $P1
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	[ $rc -eq 0 ] && [ $ms -lt 2000 ] && [ ! -e "$R/$P1" ] && t_ok "delete --force of a paused container (${ms} ms)" ||
		t_fail "delete --force of a paused container" "exit $rc after $ms ms; $(ls "$R")"
	cv create --bundle "$B" $P2 >/dev/null 2>&1 && cv start $P2 && cv pause $P2
	cv kill $P2 KILL
	for i in $(seq 50); do cv state $P2 | grep -q '"status": "stopped"' && break; sleep 0.1; done
	cv state $P2 | grep -q '"status": "stopped"' && t_ok "kill KILL of a paused container stops it" ||
		t_fail "kill KILL of a paused container stops it" "$(cv state $P2 2>&1)"
	cv delete $P2
else
	t_ok "pause refused with a message: $(head -1 "$W/pause.err") # SKIP"
	cv delete --force $P1
fi

# ---- unknown and invalid ids ----
for verb in state "kill" delete start; do
	t_expect "$verb of an unknown id" 1 "cvisor: container nope does not exist" "$CVISOR" --root "$R" $verb nope
done
t_expect "delete --force of an unknown id succeeds (runc)" 0 "" "$CVISOR" --root "$R" delete --force nope
for verb in state "kill" delete start; do
	t_expect "$verb ../x: invalid id" 1 "cvisor: invalid container ID format: ../x" "$CVISOR" --root "$R" $verb ../x
	t_expect "$verb '': empty id" 1 "cvisor: container id cannot be empty" "$CVISOR" --root "$R" $verb ""
done
t_expect "state 'a b': invalid id (runc's character set)" 1 "cvisor: invalid container ID format: a b" \
	"$CVISOR" --root "$R" state "a b"
for id in ../x "" . "a/b"; do
	out=$(cv create --bundle "$B" "$id" 2>&1)
	rc=$?
	[ $rc -eq 1 ] && printf '%s' "$out" | grep -qi '^cvisor: \(invalid container id\|container id cannot be empty\)' &&
		[ ! -e "$W/x" ] && [ -z "$(ls -A "$R")" ] && t_ok "create '$id': invalid id, nothing made" ||
		t_fail "create '$id': invalid id, nothing made" "exit $rc: $out; $(ls -A "$W" "$R")"
done

# ---- --log FILE --log-format json ----
L=$W/log.json
out=$(cv --log "$L" --log-format json state nope 2>&1)
[ "$out" == "cvisor: container nope does not exist" ] && why=$(json_error "$L" "container nope does not exist") &&
	t_ok "--log json: state of an unknown id, log and stderr" ||
	t_fail "--log json: state of an unknown id, log and stderr" "stderr '$out'; $why; $(cat "$L")"
edit 'c["process"]["args"] = "sh"'
out=$(cv --log "$L" --log-format json create --bundle "$B" bad 2>&1)
[ "$out" == "$P process.args: expected an array of strings" ] &&
	why=$(json_error "$L" "config.json: process.args: expected an array of strings") &&
	t_ok "--log json: a config.json error, log and stderr" ||
	t_fail "--log json: a config.json error, log and stderr" "stderr '$out'; $why; $(cat "$L")"
edit 'c["process"]["args"] = ["true"]'
cv create --bundle "$B" $C3 </dev/null >/dev/null 2>&1 && cv start $C3
for i in $(seq 50); do cv state $C3 | grep -q '"status": "stopped"' && break; sleep 0.1; done
out=$(cv --log "$L" --log-format json kill $C3 TERM 2>&1)
rc=$?
[ $rc -eq 1 ] && [ "$out" == "cvisor: container not running" ] && why=$(json_error "$L" "container not running") &&
	t_ok "--log json: kill of a stopped container, log and stderr" ||
	t_fail "--log json: kill of a stopped container, log and stderr" "exit $rc stderr '$out'; $why; $(cat "$L")"
cv delete $C3
[ "$(grep -c . "$L")" -eq 3 ] && t_ok "--log json: one line per failure" || t_fail "--log json: one line per failure" "$(cat "$L")"

t_done
