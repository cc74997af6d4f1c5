#!/bin/sh
# python_cpu.sh DIR - one Python process running a pure CPU loop (~0.5 s natively): shows
# the overhead a sandbox adds to code that makes almost no syscalls.
set -eu
cd "${1:?usage: python_cpu.sh DIR}"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" -c '
s = 0
for i in range(8000000):
    s += i * i % 7
print(s)
' >/dev/null
