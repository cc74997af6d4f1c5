#!/bin/bash
# The OCI command line end to end on a busybox bundle built from local files:
# spec, create/start/state/kill/delete, run (foreground and --detach), exec, ps, list,
# events, pause/resume, and config.json errors. Needs root and busybox-static.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-oci-XXXXXX)
R=$W/root
B=$W/bundle
cv() { timeout 30 "$CVISOR" --root "$R" "$@"; }
cleanup() {
	for id in $(cv list -q 2>/dev/null); do cv delete --force "$id" >/dev/null 2>&1; done
	rm -rf "$W"
}
trap cleanup EXIT

# set_args JSON_ARRAY: replaces process.args (and terminal=false) in $B/config.json
set_args() {
	python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["process"]["args"]=json.loads(sys.argv[2]); c["process"]["terminal"]=False; json.dump(c,open(p,"w"),indent=1)' "$B/config.json" "$1"
}

mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" "$B/rootfs/tmp" "$B/rootfs/root"
cp /bin/busybox "$B/rootfs/bin/"
for a in sh echo cat ls sleep id true false hostname env pwd kill ps; do ln -s busybox "$B/rootfs/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$B/rootfs/etc/passwd"

(cd "$B" && "$CVISOR" spec) && [ -s "$B/config.json" ] && t_ok "spec writes config.json" || t_fail "spec writes config.json"
(cd "$B" && "$CVISOR" spec 2>/dev/null) && t_fail "spec refuses to overwrite" || t_ok "spec refuses to overwrite"
python3 -c "import json; json.load(open('$B/config.json'))" && t_ok "spec output is JSON" || t_fail "spec output is JSON"

out=$("$CVISOR" --version)
case "$out" in "cvisor version"*) t_ok "--version" ;; *) t_fail "--version" "$out" ;; esac
"$CVISOR" features | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["ociVersionMax"]' && t_ok "features is JSON" || t_fail "features is JSON"

# create / start / state / kill / delete
set_args '["sh","-c","trap \"echo got-term; exit 7\" TERM; echo started; while true; do sleep 0.1; done"]'
cv --log "$W/log.json" --log-format json create --bundle "$B" --pid-file "$W/pid" c1 > "$W/c1.out" 2>&1
rc=$?
[ $rc -eq 0 ] && t_ok "create" || t_fail "create" "exit $rc: $(cat "$W/c1.out")"
st=$(cv state c1)
echo "$st" | grep -q '"status": "created"' && t_ok "state after create: created" || t_fail "state after create: created" "$st"
pid=$(cat "$W/pid" 2>/dev/null)
[ -n "$pid" ] && echo "$st" | grep -q "\"pid\": $pid" && kill -0 "$pid" && t_ok "pid file names the live Sentry" || t_fail "pid file names the live Sentry" "pid=$pid $st"
cv start c1 && t_ok "start" || t_fail "start"
sleep 0.5
cv state c1 | grep -q '"status": "running"' && t_ok "state after start: running" || t_fail "state after start: running" "$(cv state c1)"
cv start c1 2>/dev/null && t_fail "second start fails" || t_ok "second start fails"
out=$(cv ps c1)
echo "$out" | grep -q "sleep\|sh -c" && t_ok "ps table" || t_fail "ps table" "$out"
out=$(cv ps --format json c1)
python3 -c "import json,sys; a=json.loads(sys.argv[1]); assert isinstance(a,list) and len(a)>=1 and all(isinstance(x,int) for x in a)" "$out" && t_ok "ps --format json: host pids" || t_fail "ps --format json: host pids" "$out"
out=$(cv list)
echo "$out" | grep -q "^c1 .*running" && t_ok "list table" || t_fail "list table" "$out"
out=$(cv list --format json)
python3 -c "import json,sys; a=json.loads(sys.argv[1]); assert a[0]['id']=='c1' and a[0]['status']=='running'" "$out" && t_ok "list json" || t_fail "list json" "$out"
out=$(cv events --stats c1)
python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['type']=='stats' and d['data']['pids']['current']>=1" "$out" && t_ok "events --stats" || t_fail "events --stats" "$out"

# exec
t_expect "exec output and exit status" 5 "in-exec /" "$CVISOR" --root "$R" exec c1 -- sh -c 'echo in-exec $(pwd); exit 5'
t_expect "exec --env --cwd" 0 "v=42 /tmp" "$CVISOR" --root "$R" exec --env V=42 --cwd /tmp c1 sh -c 'echo v=$V $(pwd)'
t_expect "exec of a missing command: 127" 127 "" "$CVISOR" --root "$R" exec c1 /nope
printf '{"args":["sh","-c","echo from-process-json; exit 3"],"cwd":"/","env":["PATH=/bin"]}' > "$W/proc.json"
t_expect "exec --process FILE" 3 "from-process-json" "$CVISOR" --root "$R" exec --process "$W/proc.json" c1
cv exec --detach --pid-file "$W/xpid" c1 sh -c 'sleep 0.3; exit 4'
rc=$?
xpid=$(cat "$W/xpid" 2>/dev/null)
[ $rc -eq 0 ] && [ -n "$xpid" ] && kill -0 "$xpid" 2>/dev/null && t_ok "exec --detach writes a live stand-in pid" || t_fail "exec --detach writes a live stand-in pid" "rc=$rc pid=$xpid"
# the stand-in is not our child: wait by polling
for i in $(seq 50); do kill -0 "$xpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$xpid" 2>/dev/null && t_fail "detached stand-in exits with the process" || t_ok "detached stand-in exits with the process"
out=$(echo piped | cv exec c1 cat)
[ "$out" == "piped" ] && t_ok "exec stdin is the caller's" || t_fail "exec stdin is the caller's" "$out"

# pause / resume (freezer cgroup)
if cv pause c1 2>"$W/pause.err"; then
	cv state c1 | grep -q '"status": "paused"' && t_ok "pause" || t_fail "pause"
	cv resume c1 && cv state c1 | grep -q '"status": "running"' && t_ok "resume" || t_fail "resume"
else
	t_ok "pause refused with a message: $(head -1 "$W/pause.err") # SKIP"
fi

cv kill c1 TERM && t_ok "kill TERM" || t_fail "kill TERM"
for i in $(seq 50); do cv state c1 | grep -q '"status": "stopped"' && break; sleep 0.1; done
cv state c1 | grep -q '"status": "stopped"' && t_ok "stopped after kill" || t_fail "stopped after kill" "$(cv state c1)"
grep -q got-term "$W/c1.out" && t_ok "init's TERM trap ran" || t_fail "init's TERM trap ran" "$(cat "$W/c1.out")"
cv kill c1 KILL 2>/dev/null && t_fail "kill of a stopped container fails" || t_ok "kill of a stopped container fails"
cv delete c1 && [ ! -e "$R/c1" ] && t_ok "delete" || t_fail "delete"
cv state c1 2>/dev/null && t_fail "state of a deleted container fails" || t_ok "state of a deleted container fails"
cv delete --force c1 && t_ok "delete --force of a missing container" || t_fail "delete --force of a missing container"

# kill by number, delete --force of a running container, created-but-never-started
cv create --bundle "$B" c2 >/dev/null 2>&1 && cv start c2
cv kill c2 9 && t_ok "kill 9" || t_fail "kill 9"
cv create --bundle "$B" c3 >/dev/null 2>&1
cv delete c3 2>/dev/null; cv delete --force c3 && [ ! -e "$R/c3" ] && t_ok "delete --force of a created container" || t_fail "delete --force of a created container"
cv create --bundle "$B" c4 >/dev/null 2>&1 && cv start c4 && sleep 0.2
cv delete c4 2>/dev/null && t_fail "delete of a running container refused" || t_ok "delete of a running container refused"
cv delete --force c4 && t_ok "delete --force of a running container" || t_fail "delete --force of a running container"
cv delete --force c2 >/dev/null 2>&1

# run: foreground exit status, --detach
set_args '["sh","-c","echo run-out $(hostname); exit 42"]'
out=$(cv run --bundle "$B" r1 2>&1)
rc=$?
[ $rc -eq 42 ] && [ "$out" == "run-out runc" ] && t_ok "run: output and exit status" || t_fail "run: output and exit status" "exit $rc: $out"
[ ! -e "$R/r1" ] && t_ok "run removes its state" || t_fail "run removes its state"
set_args '["sleep","30"]'
cv run --detach --bundle "$B" r2 && cv state r2 | grep -q running && t_ok "run --detach" || t_fail "run --detach"
cv kill r2 KILL; cv delete --force r2

# errors
cv create --bundle "$B" dup >/dev/null 2>&1
t_expect "create: duplicate id" 1 "cvisor: container with id dup already exists" "$CVISOR" --root "$R" create --bundle "$B" dup
cv delete --force dup >/dev/null 2>&1
cp "$B/config.json" "$W/good.json"
echo '{ "ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"args": "sh"} }' > "$B/config.json"
t_expect "malformed config: field named" 1 "cvisor: config.json: process.args: expected an array of strings" "$CVISOR" --root "$R" create --bundle "$B" bad1
[ ! -e "$R/bad1" ] && t_ok "failed create leaves no state" || t_fail "failed create leaves no state"
echo '{ "root": ' > "$B/config.json"
out=$(cv create --bundle "$B" bad2 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q "^cvisor: config.json: line " && [ "$(echo "$out" | wc -l)" -eq 1 ] && t_ok "truncated config: one line" || t_fail "truncated config: one line" "exit $rc: $out"
python3 -c 'import json,sys; p=sys.argv[1]; c=json.load(open(p)); c["process"]["user"]={"uid":"root"}; json.dump(c,open(p,"w"))' "$W/good.json" 2>/dev/null
cp "$W/good.json" "$B/config.json"
t_expect "wrong type: user.uid" 1 "cvisor: config.json: process.user.uid: expected an unsigned 32-bit integer" "$CVISOR" --root "$R" create --bundle "$B" bad3
t_expect "unknown verb" 1 "cvisor: unknown command frobnicate (see cvisor --help)" "$CVISOR" frobnicate
t_expect "missing container" 1 "cvisor: container nope does not exist" "$CVISOR" --root "$R" state nope
cv --log "$W/log2.json" --log-format json state nope 2>/dev/null
python3 -c "import json; d=json.loads(open('$W/log2.json').readline()); assert d['level']=='error' and 'does not exist' in d['msg'] and d['time']" && t_ok "--log-format json error line" || t_fail "--log-format json error line" "$(cat "$W/log2.json")"
t_expect "global flags in any order, = and single dash" 0 "" "$CVISOR" -root="$R" --debug --log-format=text --network none list -q

t_done
