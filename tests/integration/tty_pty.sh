#!/bin/bash
# tests/integration/tty_pty.sh - terminals under `cvisor do`: a program driven on a pty
# made inside the sandbox (script(1), python3's pty), and the job control of an
# interactive shell on cvisor's own terminal driven through tmux (Ctrl-C, Ctrl-Z, fg).
# Each step has a timeout; prints ok/not ok and "N passed, N failed"; exit 1 on failure.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
TMP=$(mktemp -d /tmp/cvisor-tty.XXXXXX)
SESSION=cvisor-tty-$$
cleanup() {
	tmux kill-session -t "$SESSION" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# 1. script(1) allocates a pty inside the sandbox and runs a shell on it.
out=$(timeout 30 "$CVISOR" do -- script -qc 'tty; stty size; stty -a | head -1' /dev/null </dev/null 2>&1 | tr -d '\r')
if printf '%s\n' "$out" | grep -q '^/dev/pts/[0-9]' && printf '%s\n' "$out" | grep -q '^[0-9]* [0-9]*$'; then
	t_ok "script(1): the child's tty is /dev/pts/N, stty size works"
else
	t_fail "script(1): the child's tty is /dev/pts/N, stty size works" "$out"
fi

# 2. python3's pty: canonical input with erase, echo, ISIG and EOF through the master.
cat > "$TMP/pty_drive.py" <<'PY'
import os, pty, select, signal, sys, time
pid, fd = pty.fork()
if pid == 0:
    signal.signal(signal.SIGINT, lambda *a: (print("GOT-SIGINT", flush=True), os._exit(7)))
    line = sys.stdin.readline()
    print("LINE=" + line.strip(), flush=True)
    time.sleep(30)
    os._exit(0)
def drain(t=2.0):
    out, end = b"", time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                d = os.read(fd, 1024)
            except OSError:
                break
            if not d:
                break
            out += d
    return out.decode(errors="replace")
os.write(fd, b"hellx\x7fo\n")
o = drain(1.5)
os.write(fd, b"\x03")
o += drain(1.5)
_, st = os.waitpid(pid, 0)
print(repr(o))
print("EXIT", os.waitstatus_to_exitcode(st))
PY
out=$(timeout 30 "$CVISOR" do -- python3 "$TMP/pty_drive.py" </dev/null 2>&1)
if printf '%s' "$out" | grep -q 'LINE=hello' && printf '%s' "$out" | grep -q 'GOT-SIGINT' &&
	printf '%s' "$out" | grep -q 'EXIT 7'; then
	t_ok "python pty: erase, echo, line delivery, ^C -> SIGINT"
else
	t_fail "python pty: erase, echo, line delivery, ^C -> SIGINT" "$out"
fi

# 3-6. an interactive shell on cvisor's own terminal (a tmux pane): Ctrl-C, Ctrl-Z, fg.
# bash (fork) rather than dash (vfork) so that the test is about terminals.
SHELL_I="bash --norc --noprofile -i"
command -v bash >/dev/null || SHELL_I="sh -i"
pane() { tmux capture-pane -p -t "$SESSION" 2>/dev/null; }
wait_for() { # PATTERN SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		pane | grep -q -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
if ! command -v tmux >/dev/null; then
	t_fail "tmux is installed"
else
	tmux new-session -d -s "$SESSION" -x 100 -y 30 \
		"$CVISOR do -- env PS1='cv\$ ' $SHELL_I; echo CVISOR-EXIT-\$?; sleep 30"
	if wait_for 'cv\$' 15; then
		t_ok "sh -i prompts on cvisor's terminal"
	else
		t_fail "sh -i prompts on cvisor's terminal" "$(pane)"
	fi
	tmux send-keys -t "$SESSION" 'sleep 100' Enter
	sleep 1.5
	tmux send-keys -t "$SESSION" C-c
	tmux send-keys -t "$SESSION" 'echo after-int-$?' Enter
	if wait_for 'after-int-130' 10; then
		t_ok "Ctrl-C interrupts the foreground job only (shell survives)"
	else
		t_fail "Ctrl-C interrupts the foreground job only (shell survives)" "$(pane)"
	fi
	tmux send-keys -t "$SESSION" 'sleep 3; echo job-done' Enter
	sleep 1.5
	tmux send-keys -t "$SESSION" C-z
	if wait_for '[Ss]topped' 10; then
		tmux send-keys -t "$SESSION" 'fg' Enter
		if wait_for 'job-done' 15; then
			t_ok "Ctrl-Z stops the job, fg resumes it"
		else
			t_fail "Ctrl-Z stops the job, fg resumes it" "$(pane)"
		fi
	else
		t_fail "Ctrl-Z stops the job, fg resumes it" "$(pane)"
	fi
	tmux send-keys -t "$SESSION" 'exit 3' Enter
	if wait_for 'CVISOR-EXIT-3' 10; then
		t_ok "the shell exits through cvisor with its status"
	else
		t_fail "the shell exits through cvisor with its status" "$(pane)"
	fi
fi
t_done
