#!/bin/sh
# sqlite_insert.sh DIR - the sqlite3 CLI runs 50,000 INSERTs in 500 transactions of 100,
# then an index build and a query, on a database file in DIR. synchronous=OFF so that the
# workload measures the sandbox's file I/O path, not the host disk's fsync latency.
set -eu
cd "${1:?usage: sqlite_insert.sh DIR}"
awk 'BEGIN {
	print "PRAGMA synchronous=OFF;";
	print "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, v INTEGER);";
	for (i = 0; i < 50000; i++) {
		if (i % 100 == 0) print "BEGIN;";
		printf "INSERT INTO t(name, v) VALUES(\x27name%d\x27, %d);\n", i, (i * 7919) % 10007;
		if (i % 100 == 99) print "COMMIT;";
	}
	print "CREATE INDEX t_v ON t(v);";
	print "SELECT count(*), sum(v) FROM t WHERE v < 5000;";
}' >ins.sql
sqlite3 bench.db <ins.sql >/dev/null
