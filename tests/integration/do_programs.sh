#!/bin/bash
# Real programs under `cvisor do` give the same output and exit status as natively
# (issue: sandbox core "done when"). Each case runs natively first, then in a sandbox
# over the host root (in-memory overlay: nothing on the host changes).
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/cvisor-it-XXXXXX)
trap 'rm -rf "$W"' EXIT
T_CWD=/

t_same "sh echo ls id" /bin/sh -c 'echo hi; ls /; id'
t_same "bash pipes subshells here-docs traps" /bin/bash -c '
	trap "echo trapped" EXIT
	x=$(echo inner | tr a-z A-Z); echo "$x"
	( cd /usr && pwd ); echo outer $(( 6 * 7 ))
	cat <<EOT | sort -r
alpha
beta
gamma
EOT
	for i in 1 2 3; do echo "n=$i"; done | wc -l
	f() { return 3; }; f; echo "status $?"'
t_same "coreutils" /bin/bash -c '
	d=$(mktemp -d); cd "$d" || exit 9
	mkdir -p a/b/c && echo one > a/f1 && printf "x\ny\nx\nz\n" > a/b/f2
	touch -d "2020-01-02 03:04:05" a/f1 a/b/f2 a/b/c a/b a
	cp -a a copy && mv copy moved && ls -la --time-style=+%F moved moved/b | tail -n +2 | awk "{print \$1, \$3, (\$1 ~ /^d/ ? \"dir\" : \$5), \$6, \$7}"
	find . | sort; sort a/b/f2 | uniq -c; wc -l a/b/f2; sha256sum a/f1
	stat -c "%n %s %F %a" a/f1; stat -c "%n %F %a" a/b; date -d @0 -u; sleep 0.1; rm -r moved a; ls -A; cd /; rmdir "$d"'
t_same "tar gzip round trip" /bin/bash -c '
	d=$(mktemp -d); cd "$d" || exit 9
	mkdir src; for i in $(seq 1 50); do head -c $((i * 997)) /usr/bin/env > src/f$i; done
	tar czf a.tgz src && mkdir out && tar xzf a.tgz -C out
	(cd src && sha256sum f*) > s1; (cd out/src && sha256sum f*) > s2; cmp s1 s2 && echo same
	sha256sum < s1; cd /; rm -rf "$d"'
t_same "grep sed awk" /bin/sh -c 'grep -c root /etc/passwd; sed -n "1s/:.*//p" /etc/passwd; awk -F: "NR<=3 {print \$1, NF}" /etc/passwd'
if command -v python3 >/dev/null; then
	t_same "python3 threads subprocess json sqlite3" python3 -c '
import threading, subprocess, json, sqlite3
out = []
def work(i): out.append(sum(range(i * 1000)))
ts = [threading.Thread(target=work, args=(i,)) for i in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
print(sorted(out)[-1])
print(subprocess.run(["echo", "child"], capture_output=True, text=True).stdout.strip())
print(json.dumps({"a": [1, 2, {"b": None}]}, sort_keys=True))
db = sqlite3.connect(":memory:"); db.execute("create table t(x)")
db.executemany("insert into t values (?)", [(i,) for i in range(100)])
print(db.execute("select count(*), sum(x) from t").fetchone())'
fi
t_same "perl -e" perl -e 'my %h = map { $_ => $_ ** 2 } 1..5; print join(",", map { "$_=$h{$_}" } sort keys %h), "\n"'
if command -v gcc >/dev/null; then
	t_same "gcc compiles and runs" /bin/bash -c '
		d=$(mktemp -d); cd "$d" || exit 9
		printf "#include <stdio.h>\nint main(void){printf(\"%%d\\\\n\", 6*7);return 3;}\n" > m.c
		gcc -O1 -o m m.c && ./m; echo "rc=$?"; cd /; rm -rf "$d"'
fi
if command -v make >/dev/null; then
	t_same "make" /bin/bash -c '
		d=$(mktemp -d); cd "$d" || exit 9
		printf "all: b\n\t@echo built \$\$(cat b)\nb: a\n\tcp a b\na:\n\techo data > a\n" > Makefile
		make -s && make -s; cd /; rm -rf "$d"'
fi
if command -v git >/dev/null; then
	t_same "git init add commit log" /bin/bash -c '
		d=$(mktemp -d); cd "$d" || exit 9
		export GIT_AUTHOR_DATE="2020-01-01T00:00:00Z" GIT_COMMITTER_DATE="2020-01-01T00:00:00Z"
		export HOME=$d
		git init -q -b main . && git config user.email t@t && git config user.name t
		echo hello > f && git add f && git commit -qm first && echo more >> f && git commit -qam second
		git log --format="%H %s"; git show --stat HEAD | tail -2; cd /; rm -rf "$d"'
fi
t_expect "kill -TERM \$\$ exits 143" 143 "" "$CVISOR" do -- /bin/sh -c 'kill -TERM $$'
t_expect "yes | head -1 ends (SIGPIPE)" 0 "y" "$CVISOR" do -- /bin/sh -c 'yes | head -1'
t_expect "exit status passes through" 42 "" "$CVISOR" do -- /bin/sh -c 'exit 42'
t_expect "unknown command is 127" 127 "cvisor: /nonexistent: No such file or directory" "$CVISOR" do -- /nonexistent

# A static busybox rootfs (--rootfs).
R=$W/bbroot
mkdir -p "$R/bin" "$R/etc" "$R/proc" "$R/dev" "$R/sys" "$R/tmp"
cp /bin/busybox "$R/bin/busybox"
for a in sh ls echo cat id uname true wc; do ln -s busybox "$R/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$R/etc/passwd"
t_expect "busybox rootfs" 0 "$(printf 'hi\nbin\ndev\netc\nproc\nsys\ntmp\nuid=0(root) gid=0 groups=0')" \
	"$CVISOR" do --rootfs "$R" -- /bin/sh -c 'echo hi; ls /; id'

# The host is never modified by a sandbox that deletes and rewrites files.
H=$W/host
mkdir -p "$H/sub" && echo keep > "$H/a" && echo keep > "$H/sub/b"
before=$(cd "$H" && find . -type f -exec sha256sum {} + | sort; ls -laR "$H" | md5sum)
"$CVISOR" do -- /bin/sh -c "rm -rf '$H/sub'; echo changed > '$H/a'; echo new > '$H/c'; cat '$H/a'" >/dev/null 2>&1
after=$(cd "$H" && find . -type f -exec sha256sum {} + | sort; ls -laR "$H" | md5sum)
if [ "$before" == "$after" ]; then t_ok "host files unchanged after writes in the sandbox"; else t_fail "host files unchanged after writes in the sandbox" "$after"; fi

# cvisor's stdout redirected to a host file: cat (copy_file_range) and the shell's own
# writes share the host description's offset, so nothing is overwritten.
echo hello > "$W/hf"
"$CVISOR" do -- /bin/sh -c "cat '$W/hf'; echo after" > "$W/out" 2>&1
if [ "$(cat "$W/out")" == "$(printf 'hello\nafter')" ]; then t_ok "stdout to a host file: copy_file_range and write share the offset"
else t_fail "stdout to a host file: copy_file_range and write share the offset" "$(cat "$W/out")"; fi

t_done
