#!/bin/sh
# make_j2.sh DIR - builds a generated C project of 40 small files with make -j2 in DIR:
# many short-lived cc1/as/ld processes (fork, exec, mmap, file I/O through pipes).
set -eu
dir=${1:?usage: make_j2.sh DIR}
cd "$dir"
mkdir proj
cd proj
n=40
i=0
objs=
while [ $i -lt $n ]; do
	cat >f$i.c <<EOC
#include <stdio.h>
#include <string.h>
#include "common.h"
static int table$i[64];
int f$i(int x)
{
	int k, acc = x;
	for (k = 0; k < 64; k++) {
		table$i[k] = (acc * 31 + k) ^ $i;
		acc += table$i[k] % 7;
	}
	return acc + (int)strlen("f$i") + COMMON_SEED;
}
EOC
	objs="$objs f$i.o"
	i=$((i + 1))
done
printf '#define COMMON_SEED 17\nint f0(int);\n' >common.h
printf '#include <stdio.h>\n#include "common.h"\nint main(void) { printf("%%d\\n", f0(1)); return 0; }\n' >main.c
printf 'CFLAGS = -O1\nOBJS = main.o%s\nprog: $(OBJS)\n\t$(CC) -o $@ $(OBJS)\n%%.o: %%.c common.h\n\t$(CC) $(CFLAGS) -c -o $@ $<\n' "$objs" >Makefile
make -s -j2 CC=cc
./prog >/dev/null
