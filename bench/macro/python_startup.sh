#!/bin/sh
# python_startup.sh DIR - starts the Python interpreter 10 times (python3 -c pass): exec,
# ld.so, many small stat/open/read/mmap calls of the import system.
# Uses /usr/bin/python3 when present so a pyenv shim on PATH does not add its own start-up.
set -eu
cd "${1:?usage: python_startup.sh DIR}"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
i=0
while [ $i -lt 10 ]; do
	"$py" -c pass
	i=$((i + 1))
done
