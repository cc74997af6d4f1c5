#!/bin/bash
# A Go program (runtime threads, futexes, SIGURG preemption, signals on sigaltstack) runs
# under `cvisor do` with the same output as natively (issue: sandbox core).
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
W=$(mktemp -d /tmp/cvisor-go-XXXXXX)
trap 'rm -rf "$W"' EXIT
if ! command -v go >/dev/null; then
	t_fail "go toolchain present (make setup installs golang-go)"
	t_done
	exit 1
fi
cp "$HERE/progs/go_threads/main.go" "$W/main.go"
if (cd "$W" && GOCACHE="$W/cache" GOPATH="$W/gopath" CGO_ENABLED=0 go build -o go_threads main.go) \
	>"$W/build.log" 2>&1; then
	t_ok "go build"
	for i in 1 2 3; do
		t_expect "go threads and preemption run $i" 0 "50 10000 hello 1" "$CVISOR" do -- "$W/go_threads"
	done
else
	t_fail "go build" "$(cat "$W/build.log")"
fi
t_done
