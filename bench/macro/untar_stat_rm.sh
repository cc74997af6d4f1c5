#!/bin/sh
# untar_stat_rm.sh DIR - file-system metadata workload: unpack a 10,000-file tarball into
# DIR, stat every file (find | xargs stat), then rm -rf the tree.
#
# stat is busybox's when /bin/busybox exists, for every peer alike: coreutils 9.1 stat uses
# statx(2), which runsc 20221219 fails with EINVAL and proot 5.1 fails with ENOENT on some
# relative paths, so the coreutils version would leave no peer to compare with.
#
# The tarball is DIR/tree.tar, put there by the harness from its cache (built once from
# local files under /usr/include and /usr/share). Run by hand without it, the script
# builds an equivalent one first (not part of what the harness times).
set -eu
dir=${1:?usage: untar_stat_rm.sh DIR}
cd "$dir"
if [ ! -f tree.tar ]; then
	find /usr/include /usr/share -xdev -type f -size -8k 2>/dev/null |
		grep -v '[^A-Za-z0-9_./+-]' | sort | head -n 10000 >list.txt
	tar -cf tree.tar -T list.txt 2>/dev/null
fi
mkdir tree
tar -C tree -xf tree.tar
stat=stat
[ -x /bin/busybox ] && stat='/bin/busybox stat'
find tree -type f | xargs $stat >/dev/null
rm -rf tree
