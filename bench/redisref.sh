#!/usr/bin/env bash
# redisref.sh measures redis-server on the data of BenchmarkSnapshot_1M and
# BenchmarkRestart_1M (1M keys "key:N", 16-byte values), the reference
# column of the persistence table in RESULTS.md:
#   - SAVE time (timed by the client) and dump.rdb size;
#   - restart from the RDB (load time from the server's log);
#   - restart by replaying an AOF of 1M SETs (aof-use-rdb-preamble no).
# Needs redis-server and redis-cli; uses a temporary directory and a free
# port on 127.0.0.1. Usage: bash redisref.sh
set -euo pipefail
dir=$(mktemp -d)
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

start() { # start <extra redis-server args...>
	redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --daemonize yes \
		--logfile "$dir/redis.log" "$@" >/dev/null
	until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done
	until [ "$(redis-cli -p "$port" info persistence | tr -d '\r' | grep '^loading:' | cut -d: -f2)" = 0 ]; do sleep 0.05; done
}
stop() { redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; sleep 0.3; }
fill() {
	python3 - <<'EOF' | redis-cli -p "$port" --pipe >/dev/null
import sys
out = sys.stdout
for i in range(1 << 20):
    k = "key:%d" % i
    out.write("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$16\r\n0123456789abcdef\r\n" % (len(k), k))
EOF
}

# snapshot and restart from it
start
fill
t0=$(date +%s.%N); redis-cli -p "$port" save >/dev/null; t1=$(date +%s.%N)
echo "SAVE: $(echo "$t1 - $t0" | bc) s, dump.rdb $(stat -c %s "$dir/dump.rdb") bytes"
stop
: >"$dir/redis.log"
start
echo "restart from RDB: $(grep -o 'DB loaded from disk: [0-9.]* seconds' "$dir/redis.log")"
stop

# restart by replaying 1M SETs from the append-only log
rm -rf "$dir"/*
start --appendonly yes --aof-use-rdb-preamble no
fill
stop
: >"$dir/redis.log"
start --appendonly yes --aof-use-rdb-preamble no
echo "restart from AOF: $(grep -o 'DB loaded from append only file: [0-9.]* seconds' "$dir/redis.log")"
