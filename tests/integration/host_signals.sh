#!/bin/bash
# The user's SIGTERM and SIGINT to `cvisor do` are never ignored: they go to the sandbox's
# init, and when that does not end it (init ignores them, as a pid namespace's init does by
# default) the sandbox is torn down: within the 5 s grace for one SIGTERM, at once for a
# second SIGINT. cvisor exits 128 + the signal and leaves no stub behind. A few seconds.
. "$(dirname "$0")/lib.sh"

# run_sig NAME WANT_RC MAX_MS SCRIPT SIGNAL...: `cvisor do sh -c SCRIPT`, then the signals
run_sig() {
	local name=$1 want=$2 max=$3 script=$4 p t0 rc ms
	shift 4
	"$CVISOR" do -- /bin/sh -c "$script" & # the wrapper execs: $! is cvisor
	p=$!
	(sleep 20 && kill -KILL $p 2>/dev/null) & # a hang fails, never holds the run
	local guard=$!
	sleep 1
	t0=$(date +%s%N)
	for s in "$@"; do
		kill -"$s" $p 2>/dev/null
		sleep 0.2
	done
	wait $p
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	kill $guard 2>/dev/null
	if [ $rc -eq "$want" ] && [ $ms -lt "$max" ]; then
		t_ok "$name (exit $rc in $ms ms)"
	else
		t_fail "$name" "want exit $want within $max ms; got exit $rc after $ms ms"
	fi
}

run_sig "SIGTERM ends a sandbox whose init does not trap it" 143 3000 'sleep 100' TERM
run_sig "SIGTERM to an init that ignores it: torn down after the grace" 143 9000 \
	'trap "" TERM INT; sleep 100' TERM
run_sig "a second SIGINT tears the sandbox down at once" 130 3000 \
	'trap "" TERM INT; sleep 100' INT INT
left=$(pgrep -f "cvisor.* do -- /bin/sh -c .*sleep 100" | wc -l)
[ "$left" -eq 0 ] && t_ok "no cvisor or stub left" || t_fail "no cvisor or stub left" "$left left"
t_done
