#!/bin/bash
# config.json hooks, as runc runs them: prestart and createRuntime at create (state
# "creating", the Sentry's pid, on stdin; the pid's network namespace is the container's),
# poststart after start, poststop at delete; a failing prestart hook fails create with a
# line naming the hook and leaves nothing behind; a hook past its timeout is killed.
# createContainer (end of create) and startContainer (start, before the program) run in
# the sandbox: their path in the container's root, the state on stdin; a failure fails
# create (nothing left) or start (the program never runs), a timeout is honoured.
# Needs root and busybox-static.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-hooks-XXXXXX)
R=$W/root
B=$W/bundle
cv() { timeout 30 "$CVISOR" --root "$R" "$@"; }
cleanup() {
	for id in $(cv list -q 2>/dev/null); do cv delete --force "$id" >/dev/null 2>&1; done
	rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$B/rootfs/bin" "$B/rootfs/etc" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/"
for a in sh echo sleep true; do ln -s busybox "$B/rootfs/bin/$a"; done
(cd "$B" && "$CVISOR" spec) || { t_fail "spec"; t_done; exit 1; }

# A hook script on the host: appends "<name> <status> <pid> <netns of pid>" to $W/log.
cat > "$W/hook.sh" <<'SH'
#!/bin/sh
state=$(cat)
status=$(printf '%s' "$state" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
pid=$(printf '%s' "$state" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
ns=$(readlink /proc/$pid/ns/net 2>/dev/null || echo -)
echo "$1 $status $pid $ns $HOOKVAR" >> "$LOG"
SH
chmod +x "$W/hook.sh"
# set_hooks JSON_OBJECT: hooks = that object; a network namespace of its own; args sleep
set_hooks() {
	python3 - "$B/config.json" "$1" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["hooks"] = json.loads(sys.argv[2])
c["process"]["args"] = ["sleep", "30"]; c["process"]["terminal"] = False
ns = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
c["linux"]["namespaces"] = ns + [{"type": "network"}]
json.dump(c, open(p, "w"), indent=1)
PY
}
H="$W/hook.sh"
hook() { printf '{"path":"%s","args":["hook.sh","%s"],"env":["LOG=%s","HOOKVAR=v"]%s}' "$H" "$1" "$W/log" "${2:-}"; }

set_hooks "{\"prestart\":[$(hook prestart)],\"createRuntime\":[$(hook createRuntime)],\"poststart\":[$(hook poststart)],\"poststop\":[$(hook poststop)]}"
# (output to a file: the Sentry keeps create's stdout open)
cv create --bundle "$B" h1 >"$W/h1.out" 2>&1 && t_ok "create with hooks" || t_fail "create with hooks" "$(cat "$W/h1.out")"
pid=$(cv state h1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
hostns=$(readlink /proc/self/ns/net)
line=$(grep '^prestart ' "$W/log")
set -- $line
if [ "$2" = creating ] && [ "$3" = "$pid" ] && [ "$4" != "$hostns" ] && [ "$4" != - ] && [ "$5" = v ]; then
	t_ok "prestart: state creating, the Sentry's pid, its own network namespace, env"
else
	t_fail "prestart: state creating, the Sentry's pid, its own network namespace, env" "$line (pid $pid, host $hostns)"
fi
grep -q '^createRuntime creating' "$W/log" && t_ok "createRuntime ran after prestart" || t_fail "createRuntime ran after prestart" "$(cat "$W/log")"
! grep -q '^poststart' "$W/log" && t_ok "poststart not before start" || t_fail "poststart not before start"
cv start h1 && grep -q '^poststart running' "$W/log" && t_ok "poststart after start (state running)" ||
	t_fail "poststart after start (state running)" "$(cat "$W/log")"
cv kill h1 KILL; sleep 0.5
cv delete h1 && grep -q '^poststop stopped' "$W/log" && t_ok "poststop at delete (state stopped)" ||
	t_fail "poststop at delete (state stopped)" "$(cat "$W/log")"

# a failing prestart hook: create fails naming it, nothing is left
rm -f "$W/log"
set_hooks "{\"prestart\":[{\"path\":\"/bin/false\"}]}"
cv create --bundle "$B" h2 >"$W/out" 2>&1
rc=$?
out=$(cat "$W/out")
if [ $rc -ne 0 ] && echo "$out" | grep -q 'prestart hook #0 (/bin/false): exit status 1' &&
	[ -z "$(cv list -q)" ] && [ ! -e "$R/h2" ]; then
	t_ok "a failing prestart hook fails create, names the hook, leaves nothing"
else
	t_fail "a failing prestart hook fails create, names the hook, leaves nothing" "exit $rc: $out; list: $(cv list -q)"
fi
# a hook past its timeout is killed and fails create
set_hooks "{\"prestart\":[{\"path\":\"/bin/sleep\",\"args\":[\"sleep\",\"20\"],\"timeout\":1}]}"
start=$(date +%s)
cv create --bundle "$B" h3 >"$W/out" 2>&1
rc=$?
out=$(cat "$W/out")
took=$(($(date +%s) - start))
[ $rc -ne 0 ] && [ $took -lt 10 ] && echo "$out" | grep -q 'timed out after 1 s' &&
	t_ok "a hook past its timeout is killed (create fails in ${took}s)" ||
	t_fail "a hook past its timeout is killed" "exit $rc after ${took}s: $out"
# a bad hook field names the field
set_hooks '{"prestart":[{"path":"relative"}]}'
cv create --bundle "$B" h4 >"$W/out" 2>&1
out=$(cat "$W/out")
echo "$out" | grep -q 'hooks.prestart\[0\].path: expected an absolute path' && t_ok "bad hooks field named" ||
	t_fail "bad hooks field named" "$out"
# createContainer / startContainer: processes of the sandbox. The hook exists only in the
# container's root; it logs "<name> <status> <id from its stdin>" to the root's /tmp.
cat > "$B/rootfs/bin/inhook" <<'SH'
#!/bin/sh
state=$(cat)
case "$state" in *'"status":"creating"'*|*'"status": "creating"'*) st=creating ;;
	*'"status":"created"'*|*'"status": "created"'*) st=created ;; *) st=other ;; esac
id=-; case "$state" in *'"id":"hc"'*|*'"id": "hc"'*) id=hc ;; esac
echo "$1 $st $id" >> /tmp/inlog
[ -n "$2" ] && sleep "$2"
exit "${3:-0}"
SH
chmod +x "$B/rootfs/bin/inhook"
for a in cat sleep; do ln -sf busybox "$B/rootfs/bin/$a"; done
# set_in_hooks JSON_OBJECT: hooks = that object; a writable root; the program logs "prog"
set_in_hooks() {
	python3 - "$B/config.json" "$1" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p))
c["hooks"] = json.loads(sys.argv[2])
c["root"]["readonly"] = False
c["process"]["args"] = ["sh", "-c", "echo prog >> /tmp/inlog; sleep 30"]
c["process"]["terminal"] = False
json.dump(c, open(p, "w"), indent=1)
PY
}
ih() { printf '{"path":"/bin/inhook","args":["inhook","%s"%s]%s}' "$1" "${2:-}" "${3:-}"; }
LOGIN="$B/rootfs/tmp/inlog"
rm -f "$LOGIN"
set_in_hooks "{\"createContainer\":[$(ih createContainer)],\"startContainer\":[$(ih startContainer)]}"
cv create --bundle "$B" hc >"$W/out" 2>&1
[ $? -eq 0 ] && [ "$(cat "$LOGIN" 2>/dev/null)" = "createContainer creating hc" ] &&
	t_ok "createContainer runs in the sandbox at create (its root's /bin/inhook, the state on stdin)" ||
	t_fail "createContainer runs in the sandbox at create" "$(cat "$W/out"; cat "$LOGIN" 2>&1)"
cv start hc && sleep 0.5 &&
	[ "$(cat "$LOGIN" 2>/dev/null | tr '\n' '|')" = "createContainer creating hc|startContainer created hc|prog|" ] &&
	t_ok "startContainer runs at start (state created), before the program" ||
	t_fail "startContainer runs at start, before the program" "$(cat "$LOGIN" 2>&1)"
cv delete --force hc >/dev/null 2>&1

rm -f "$LOGIN"
set_in_hooks "{\"createContainer\":[$(ih createContainer ',"","3"')]}"
cv create --bundle "$B" hd >"$W/out" 2>&1
rc=$?
out=$(cat "$W/out")
if [ $rc -ne 0 ] && echo "$out" | grep -q 'createContainer hook #0 (/bin/inhook): exit status 3' &&
	[ -z "$(cv list -q)" ] && [ ! -e "$R/hd" ]; then
	t_ok "a failing createContainer hook fails create, names the hook, leaves nothing"
else
	t_fail "a failing createContainer hook fails create" "exit $rc: $out; list: $(cv list -q)"
fi

rm -f "$LOGIN"
set_in_hooks "{\"startContainer\":[$(ih startContainer ',"","4"')]}"
cv create --bundle "$B" he >"$W/out" 2>&1
cv start he >"$W/out" 2>&1
rc=$?
sleep 0.5
status=$(cv state he 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
if [ $rc -ne 0 ] && grep -q 'startContainer hook #0 (/bin/inhook): exit status 4' "$W/out" &&
	[ "$status" = stopped ] && ! grep -q prog "$LOGIN"; then
	t_ok "a failing startContainer hook fails start and stops the container; the program never ran"
else
	t_fail "a failing startContainer hook fails start" "exit $rc: $(cat "$W/out"); status $status; log: $(cat "$LOGIN" 2>&1)"
fi
cv delete --force he >/dev/null 2>&1

set_in_hooks "{\"createContainer\":[$(ih createContainer ',"20"' ',"timeout":1')]}"
start=$(date +%s)
cv create --bundle "$B" hf >"$W/out" 2>&1
rc=$?
took=$(($(date +%s) - start))
[ $rc -ne 0 ] && [ $took -lt 10 ] && grep -q 'createContainer hook #0 (/bin/inhook): timed out after 1 s' "$W/out" &&
	t_ok "a createContainer hook past its timeout fails create (${took}s)" ||
	t_fail "a createContainer hook past its timeout" "exit $rc after ${took}s: $(cat "$W/out")"
t_done
