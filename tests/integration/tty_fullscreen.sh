#!/bin/bash
# Full-screen programs on cvisor's terminal (a tmux pane): `less` pages a file and quits on
# `q`; `vim` edits a file inside the sandbox and writes it (the sandbox sees the result; the
# overlay keeps the host unchanged). Issue: VFS "done when" (ptys, full-screen programs).
. "$(dirname "$0")/lib.sh"
SESSION=cvisor-fs-$$
W=$(mktemp -d /tmp/cvisor-fs-XXXXXX)
trap 'tmux kill-session -t "$SESSION" 2>/dev/null; rm -rf "$W"' EXIT
pane() { tmux capture-pane -p -t "$SESSION" 2>/dev/null; }
wait_for() { # PATTERN SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		pane | grep -q -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
if ! command -v tmux >/dev/null || ! command -v less >/dev/null || ! command -v vim >/dev/null; then
	t_fail "tmux, less and vim are installed (make setup)"
	t_done
	exit 1
fi
seq 1 200 | sed 's/^/line-/' > "$W/text"
tmux new-session -d -s "$SESSION" -x 80 -y 24 \
	"$CVISOR do -- env TERM=xterm PS1='cv\$ ' bash --norc --noprofile -i; sleep 30"
wait_for 'cv\$' 15 || t_fail "shell prompt" "$(pane)"

tmux send-keys -t "$SESSION" "less $W/text" Enter
if wait_for 'line-23' 10 && ! pane | grep -q 'line-30$'; then
	t_ok "less shows the first screen only"
else
	t_fail "less shows the first screen only" "$(pane)"
fi
tmux send-keys -t "$SESSION" Space
if wait_for 'line-40' 10; then
	t_ok "less pages forward on space"
else
	t_fail "less pages forward on space" "$(pane)"
fi
tmux send-keys -t "$SESSION" q
tmux send-keys -t "$SESSION" 'echo less-rc-$?' Enter
if wait_for 'less-rc-0' 10; then
	t_ok "less quits on q and the shell is back"
else
	t_fail "less quits on q and the shell is back" "$(pane)"
fi

tmux send-keys -t "$SESSION" "vim -u NONE -N $W/edit.txt" Enter
wait_for '^~' 15 || true
# pauses: an Escape followed at once by ':' reads as Alt-: to vim
tmux send-keys -t "$SESSION" i
sleep 0.5
tmux send-keys -t "$SESSION" 'typed-in-vim' Escape
sleep 1
tmux send-keys -t "$SESSION" ':wq' Enter
sleep 1
tmux send-keys -t "$SESSION" "cat $W/edit.txt; echo vim-rc-\$?" Enter
if wait_for 'vim-rc-0' 15 && pane | grep -q '^typed-in-vim$'; then
	t_ok "vim inserts text and writes the file"
else
	t_fail "vim inserts text and writes the file" "$(pane)"
fi
if [ ! -e "$W/edit.txt" ]; then
	t_ok "the file vim wrote stayed in the sandbox's overlay"
else
	t_fail "the file vim wrote stayed in the sandbox's overlay"
fi
t_done
