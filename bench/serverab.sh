#!/usr/bin/env bash
# serverab.sh compares two embedis binaries (say, without and with a change)
# and redis-server on one redis-benchmark test: it starts the three side by
# side on 127.0.0.1 with persistence off and runs the test against A, B and
# redis-server in turn, ROUNDS times, flushing each server before each
# measurement. It prints every measurement (rps, p50, p99 in ms) and, per
# server, the medians and the sorted p99s. A single p99 moves by ±25%
# between rounds on a shared machine; six or more rounds are needed to see
# a difference of 10–20%. Linux only; needs redis-server, redis-benchmark
# and python3.
# Usage: bash serverab.sh A B ROUNDS TEST PIPELINE REQUESTS
#   e.g. bash serverab.sh /tmp/emb-before /tmp/emb-after 6 hset 16 1000000
set -euo pipefail
A=$1 B=$2 rounds=$3 test=$4 pipeline=$5 n=$6
. "$(dirname "$0")/serverlib.sh"
pa=$(freeport) pb=$(freeport) pr=$(freeport)
"$A" --port "$pa" --save "" --appendonly no >/dev/null 2>&1 & ia=$!
"$B" --port "$pb" --save "" --appendonly no >/dev/null 2>&1 & ib=$!
redis-server --port "$pr" --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 & ir=$!
out=$(mktemp)
trap 'kill $ia $ib $ir 2>/dev/null; wait 2>/dev/null; rm -f "$out"' EXIT
waitping "$pa" "$pb" "$pr"
order=("A $pa" "B $pb" "redis $pr")
for r in $(seq "$rounds"); do
	# Rotate which server goes first, so that position does not favour one.
	k=$((r % 3))
	for s in "${order[@]:k}" "${order[@]:0:k}"; do
		set -- $s
		redis-cli -p "$2" flushall >/dev/null
		# CSV: test, rps, avg, min, p50, p95, p99, max
		line=$(redis-benchmark -p "$2" -c 50 -n "$n" -r 100000 -P "$pipeline" -t "$test" --csv 2>/dev/null | tail -1 | tr -d '"')
		echo "$1 $line" | tee -a "$out"
	done
done
python3 - "$out" <<'EOF'
import statistics as st, sys
rows = {}
for line in open(sys.argv[1]):
    who, csv = line.rstrip("\n").split(" ", 1)
    f = csv.rsplit(",", 7)
    rows.setdefault(who, []).append((float(f[1]), float(f[4]), float(f[6])))
for who, v in rows.items():
    print("%-5s rounds %d  rps median %.0f  p50 median %.3f  p99 median %.3f  p99s %s" % (
        who, len(v), st.median(x[0] for x in v), st.median(x[1] for x in v),
        st.median(x[2] for x in v), " ".join("%.3f" % x for x in sorted(x[2] for x in v))))
EOF
