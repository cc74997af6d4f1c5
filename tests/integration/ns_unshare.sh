#!/bin/bash
# Namespaces with util-linux's unshare inside `cvisor do` (issue 9): a pid namespace with
# its own /proc (unshare --fork --pid --mount-proc) where the shell is pid 1 and ps lists
# only the namespace, a UTS namespace whose hostname change stays there, and a user
# namespace (--map-root-user) where id says uid 0; a child killed by a signal ends the
# parent as natively. The same commands run natively only
# under unshare (new namespaces: the host's hostname, mounts and processes never change).
# Needs root, util-linux and procps.
. "$(dirname "$0")/lib.sh"

HOST_BEFORE=$(hostname)
# sh is pid 1; its children get 2, 3 (hostname), 4 (ps), 5 (sort), 6 (tr)
PIDNS='echo $$; hostname cvisor-ns-x; hostname; ps -e -o pid= | sort -n | tr -d " "; mount | grep -c " on /proc type proc"'

t_same "unshare --fork --pid --mount-proc --mount --uts --ipc: pid 1, hostname, ps" \
	unshare --fork --pid --mount-proc --mount --uts --ipc /bin/sh -c "$PIDNS"

t_expect "inside cvisor: pid 1, the new hostname, ps sees the namespace only" 0 "1
cvisor-ns-x
1
4
5
6
2
outer hostname: cvisor" "$CVISOR" do --hostname cvisor -- /bin/sh -c "
	unshare --fork --pid --mount-proc --mount --uts --ipc /bin/sh -c '$PIDNS'
	echo outer hostname: \$(hostname)"

t_same "unshare --user --map-root-user id" /bin/sh -c \
	'unshare --user --map-root-user id -u; unshare --user --map-root-user id -g'

t_expect "inside cvisor, as nobody: unshare --user --map-root-user id" 0 "0
0
65534" "$CVISOR" do -- /bin/sh -c '
	su nobody -s /bin/sh -c "unshare --user --map-root-user sh -c \"id -u; id -g\"; id -u"'

t_expect "unshare --pid without --fork: the second fork fails (pid 1 is gone)" 0 "fork failed" \
	"$CVISOR" do -- /bin/sh -c 'unshare --pid /bin/sh -c "/bin/true; /bin/true" 2>/dev/null || echo fork failed'

# the child of `unshare --fork` killed by a signal: util-linux passes the death on (SIGTERM:
# it kills itself with it); for SIGKILL it fails in user space with "sigprocmask unblock
# failed: Invalid argument" natively too (no rt_sigprocmask call reaches the kernel); in a
# new pid namespace the child's `kill -9 $$` aims at its own pid 1 and is ignored
t_same "unshare --fork: the child's SIGKILL and SIGTERM end the parent as natively" /bin/sh -c \
	'unshare --fork sh -c "kill -9 \$\$"; echo rc=$?; unshare --fork sh -c "kill -TERM \$\$"; echo rc=$?'
t_same "unshare --fork --pid: pid 1 ignores its own SIGKILL" /bin/sh -c \
	'unshare --fork --pid sh -c "kill -9 \$\$; echo alive"; echo rc=$?'

if [ "$(hostname)" == "$HOST_BEFORE" ]; then
	t_ok "the host's hostname is unchanged"
else
	t_fail "the host's hostname is unchanged" "was $HOST_BEFORE, now $(hostname)"
fi
t_done
