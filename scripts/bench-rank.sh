#!/usr/bin/env bash
# Benchmark: pb-rank on a million entities against GNU sort doing the same
# ordering (group, then score descending, then id) on the same file.
# Usage: scripts/bench-rank.sh [ENTITIES]   (not run by make check)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C

echo "generating $n entities in 50 groups…"
awk -v n="$n" 'BEGIN { srand(1); OFS = "\t"; print "entity_id", "entity_name", "district", "score"
	for (i = 1; i <= n; i++)
		printf "u%07d\tunit %d\td%02d\t%.1f\n", i, i, int(rand() * 50), int(rand() * 10000) / 10
}' >"$tmp/scores.tsv"

# seconds of wall time for a command, output to /dev/null
secs() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" >/dev/null
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

rank=$(secs "$top/bin/pb-rank" --by district "$tmp/scores.tsv")
sorted=$(secs sort -t"$(printf '\t')" -k3,3 -k4,4gr -k1,1 "$tmp/scores.tsv")
mem='?'
if [ -x /usr/bin/time ]; then
	mem=$( { /usr/bin/time -f '%M' "$top/bin/pb-rank" --by district "$tmp/scores.tsv" >/dev/null; } 2>&1)
fi
echo "pb-rank --by district: ${rank} s (max RSS ${mem} KiB)"
echo "GNU sort -k3,3 -k4,4gr -k1,1: ${sorted} s"
awk -v a="$rank" -v b="$sorted" 'BEGIN { if (b > 0) printf "ratio pb-rank / sort: %.2f\n", a / b }'
