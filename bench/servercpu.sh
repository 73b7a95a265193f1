#!/usr/bin/env bash
# servercpu.sh measures what a server costs per request, not only how fast
# redis-benchmark goes: it starts two embedis binaries (say, before and
# after a change) and redis-server side by side on 127.0.0.1, runs the same
# redis-benchmark against each in turn, and prints each server's
# throughput, p99 latency, CPU time (ticks of 10 ms, user + system, all
# threads) and context switches (voluntary + involuntary, all threads),
# read from /proc around each run, and what redis-benchmark itself used:
# its CPU seconds (user + system) and the run's wall-clock seconds. When
# client_cpu_s is close to wall_s, the client is the bottleneck and the
# throughput says little about the server. Linux only; needs redis-server and
# redis-benchmark. Build the binaries with, e.g.,
#   git worktree add /tmp/before 619e5b3 && (cd /tmp/before && go build -o /tmp/emb-before ./cmd/embedis)
#   go build -o /tmp/emb-after ./cmd/embedis
# Usage: bash servercpu.sh BEFORE AFTER [rounds] [tests] [pipeline] [requests] [clients]
#   e.g. bash servercpu.sh /tmp/emb-before /tmp/emb-after 3 set,get 1 100000
#   (clients defaults to 50; with 1, cpu_ticks over wall_s is the share of
#   a CPU the server needs for one client's requests)
set -euo pipefail
before=$1 after=$2 rounds=${3:-3} tests=${4:-set,get} pipeline=${5:-1} n=${6:-100000} clients=${7:-50}
. "$(dirname "$0")/serverlib.sh"
pb=$(freeport) pa=$(freeport) pr=$(freeport)
"$before" --port "$pb" --save "" --appendonly no >/dev/null 2>&1 & ib=$!
"$after" --port "$pa" --save "" --appendonly no >/dev/null 2>&1 & ia=$!
redis-server --port "$pr" --bind 127.0.0.1 --save "" --appendonly no >/dev/null 2>&1 & ir=$!
trap 'kill $ib $ia $ir 2>/dev/null; wait 2>/dev/null' EXIT
waitping "$pb" "$pa" "$pr"
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
csw() { cat /proc/"$1"/task/*/status | awk '/ctxt_switches/{s+=$2} END{print s}'; }
for _ in $(seq "$rounds"); do
	for s in "before $pb $ib" "after $pa $ia" "redis $pr $ir"; do
		set -- $s
		c0=$(cpu "$3") s0=$(csw "$3")
		t0=$(date +%s.%N) u0=$(awk '{print $16+$17}' /proc/$$/stat)
		out=$(redis-benchmark -p "$2" -c "$clients" -n "$n" -r 100000 -P "$pipeline" -t "$tests" --csv 2>/dev/null |
			tail -n +2 | cut -d, -f1,2,7 | tr '\n' ' ')
		# Fields 16 and 17 of this shell's stat ($$, not self, which would be
		# awk's): the CPU ticks of its waited-for children and theirs.
		client=$(awk -v u0="$u0" -v hz="$hz" '{printf "%.2f", ($16+$17-u0)/hz}' /proc/$$/stat)
		wall=$(echo "$(date +%s.%N) $t0" | awk '{printf "%.2f", $1-$2}')
		echo "$1 $out cpu_ticks=$(($(cpu "$3") - c0)) ctxsw=$(($(csw "$3") - s0)) client_cpu_s=$client wall_s=$wall"
	done
done
