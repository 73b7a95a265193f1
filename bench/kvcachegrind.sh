#!/usr/bin/env bash
# kvcachegrind.sh counts instructions and cache misses per GET/SET with
# valgrind's cachegrind (exact and unaffected by other load on the
# machine): for each store and operation it runs kvops with N operations
# and with 0, and prints the difference divided by N. Needs valgrind.
# Usage (from bench/): bash kvcachegrind.sh [N]   (default 500000)
set -euo pipefail
n=${1:-500000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go build -o "$tmp/kvops" ./kvops
count() { # store op ops -> "Ir D1rd LLrd"
	GOGC=off GOMAXPROCS=1 valgrind --tool=cachegrind --cache-sim=yes --I1=32768,8,64 \
		--D1=32768,8,64 --LL=33554432,16,64 --cachegrind-out-file=/dev/null \
		"$tmp/kvops" "$1" "$2" "$3" 2>&1 >/dev/null | tr -d ',' | awk '
		/I +refs:/ {ir=$NF}
		/D1 +misses:/ {for (i=1;i<=NF;i++) if ($i=="rd") d1=$(i-1); gsub(/\(/,"",d1)}
		/LLd misses:/ {for (i=1;i<=NF;i++) if ($i=="rd") ll=$(i-1); gsub(/\(/,"",ll)}
		END {print ir, d1, ll}'
}
printf '%-8s %-4s %12s %12s %12s\n' store op instructions D1-read-miss LL-read-miss
for store in floor embedis; do
	for op in get set mix; do
		read -r i0 d0 l0 <<<"$(count "$store" "$op" 0)"
		read -r i1 d1 l1 <<<"$(count "$store" "$op" "$n")"
		awk -v s="$store" -v o="$op" -v n="$n" -v i0="$i0" -v i1="$i1" -v d0="$d0" -v d1="$d1" -v l0="$l0" -v l1="$l1" \
			'BEGIN {printf "%-8s %-4s %12.0f %12.2f %12.2f\n", s, o, (i1-i0)/n, (d1-d0)/n, (l1-l0)/n}'
	done
done
