#!/usr/bin/env bash
# serveraof.sh measures SET throughput over the network with appendfsync
# everysec against no persistence, for cmd/embedis and redis-server in the
# same run (the frame of the issue's "redis-server: 0.59x at P16"): four
# servers on 127.0.0.1 (each with and without --appendonly yes
# --appendfsync everysec, logs in a temporary directory), then, round by
# round, redis-benchmark -c 50 -n N -r 100000 -P 16 -t set against each.
# Prints requests per second per server and round, and each round's
# everysec/none ratios. Needs redis-server and redis-benchmark.
# Usage: bash serveraof.sh EMBEDIS_BINARY [rounds] [requests]
#   e.g. go build -o /tmp/emb ./cmd/embedis && bash bench/serveraof.sh /tmp/emb 3
set -euo pipefail
emb=$1 rounds=${2:-3} n=${3:-1000000}
. "$(dirname "$0")/serverlib.sh"
tmp=$(mktemp -d)
mkdir -p "$tmp/e" "$tmp/r"
p1=$(freeport) p2=$(freeport) p3=$(freeport) p4=$(freeport)
"$emb" --port "$p1" --save "" --appendonly no >/dev/null 2>&1 & i1=$!
"$emb" --port "$p2" --save "" --appendonly yes --appendfsync everysec --dir "$tmp/e" >/dev/null 2>&1 & i2=$!
redis-server --port "$p3" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" >/dev/null 2>&1 & i3=$!
redis-server --port "$p4" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec --dir "$tmp/r" >/dev/null 2>&1 & i4=$!
trap 'kill $i1 $i2 $i3 $i4 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
waitping "$p1" "$p2" "$p3" "$p4"
rps() { redis-benchmark -p "$1" -c 50 -n "$n" -r 100000 -P 16 -t set --csv 2>/dev/null | tail -1 | cut -d, -f2 | tr -d '"'; }
echo "round embedis-none embedis-everysec redis-none redis-everysec embedis-ratio redis-ratio"
for r in $(seq "$rounds"); do
	a=$(rps "$p1") b=$(rps "$p2") c=$(rps "$p3") d=$(rps "$p4")
	awk -v r="$r" -v a="$a" -v b="$b" -v c="$c" -v d="$d" \
		'BEGIN {printf "%d %.0f %.0f %.0f %.0f %.2f %.2f\n", r, a, b, c, d, b/a, d/c}'
done
