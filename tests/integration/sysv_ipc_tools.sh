#!/bin/bash
# SysV IPC with util-linux's ipcmk, ipcs and ipcrm inside `cvisor do`: the same script
# runs natively under `unshare --ipc` (a fresh IPC namespace: nothing is left on the
# host) and inside the sandbox, and must print the same: the ids ipcmk makes, what ipcs
# lists (ids, owners, modes, sizes, nattch, limits, usage), ipcrm by id and by key, and an
# empty listing at the end. Needs root and util-linux.
. "$(dirname "$0")/lib.sh"

SCRIPT='
ipcmk -Q -p 0600
ipcmk -S 3 -p 0640
ipcmk -M 8192 -p 0604
ipcmk -M 100
ipcs -q | awk "NR > 3 && NF { print \$2, \$3, \$4, \$5, \$6 }"
ipcs -s | awk "NR > 3 && NF { print \$2, \$3, \$4, \$5 }"
ipcs -m | awk "NR > 3 && NF { print \$2, \$3, \$4, \$5, \$6 }"
ipcs -l
ipcs -u -q -s
key=$(ipcs -m | awk "NR > 3 && \$2 == 1 { print \$1 }")
ipcrm -q 0 -s 0 -m 0 && ipcrm -M "$key" && echo removed
ipcs | grep -c "^0x"
ipcrm -q 0 2>&1 | sed "s/^ipcrm: //"
'

t_same "ipcmk, ipcs, ipcrm in a new IPC namespace" unshare --ipc /bin/sh -c "$SCRIPT"

DETAIL='
ipcmk -M 100 >/dev/null; ipcmk -S 2 >/dev/null; ipcmk -Q >/dev/null
ipcs -c | sed "s/0x[0-9a-f]*//"
ipcs -s -i 0 | grep -v -i time
ipcs -m -i 0 | grep -v -i "time\|pid"
ipcs -q -i 0 | grep -v -i "time\|pid"
'
t_same "ipcs -c and ipcs -i (creators, semaphore values and counts)" unshare --ipc /bin/sh -c "$DETAIL"

t_expect "the sandbox's own namespace starts empty and ipcmk works there" 0 "0
Message queue id: 0
1" "$CVISOR" do -- /bin/sh -c 'ipcs | grep -c "^0x"; ipcmk -Q; ipcs -q | grep -c "^0x"'

t_done
