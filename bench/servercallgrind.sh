#!/usr/bin/env bash
# servercallgrind.sh counts the instructions a server runs per request,
# exactly (valgrind's callgrind, unaffected by other load on the machine):
# it starts the server under callgrind on a free port, runs redis-benchmark
# once to warm up (filling the keys), zeroes the counters, runs it again,
# and prints the instructions of that second run divided by its requests.
# SERVER is an embedis binary (build it with CGO_ENABLED=0: callgrind
# cannot follow cgo's threads; asynchronous preemption is turned off for
# the same reason) or redis-server. Needs valgrind, redis-cli and
# redis-benchmark.
# Usage: bash servercallgrind.sh SERVER TEST [requests] [pipeline]
#   e.g. CGO_ENABLED=0 go build -o /tmp/emb ./cmd/embedis   (from the repository root)
#        bash servercallgrind.sh /tmp/emb hset 100000 16
#        bash servercallgrind.sh redis-server hset 100000 16
set -euo pipefail
bin=$1 test=$2 n=${3:-100000} p=${4:-16}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
tmp=$(mktemp -d)
GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.%p" \
	--dump-instr=no "$bin" --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
	>/dev/null 2>"$tmp/valgrind.log" &
vp=$!
trap 'kill $vp 2>/dev/null; wait $vp 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 300); do
	redis-cli -p "$port" ping >/dev/null 2>&1 && break
	kill -0 "$vp" 2>/dev/null || { cat "$tmp/valgrind.log"; exit 1; }
	sleep 0.2
done
bench() { redis-benchmark -p "$port" -c 50 -n "$n" -r 100000 -P "$p" -t "$test" -q >/dev/null 2>&1; }
bench
callgrind_control -z "$vp" >/dev/null
bench
callgrind_control -d "$vp" >/dev/null
f=$(ls -S "$tmp"/cg.* | head -1)
total=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ && !seen {gsub(",", "", $1); print $1; seen = 1}')
echo "$(basename "$bin") $test pipeline $p: $((total / n)) instructions per request"
