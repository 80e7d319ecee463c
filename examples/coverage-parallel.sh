#!/bin/sh
# coverage-parallel: pb-coverage split over cores and over machines, each checked to give
# byte for byte the output of one pass. Run: sh examples/coverage-parallel.sh [UNITS.tsv]
#
# The rule: for any split of the rows, `pb-coverage OPTIONS --partial` on every part, then
# `pb-coverage --merge` on all the partials (files or one stream, lines in any order after
# the first header) gives the single-pass table. The partials record OPTIONS, so the merge
# needs none; it refuses partials made with different options.
set -eu
cd "$(dirname "$0")/.."
PATH="$PWD/bin:$PWD/examples/coverage:$PATH"
units=${1:-examples/coverage/units.tsv}
opts="--by district,unit_type --rollup --as-of 2022-06-30"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cores=$(nproc 2>/dev/null || echo 2)

check() {
	if cmp -s "$tmp/one.tsv" "$1"; then echo "   same bytes as one pass"; else echo "   DIFFERS from one pass"; exit 1; fi
}

echo "== one pass"
pb-coverage $opts "$units" >"$tmp/one.tsv"
head -4 "$tmp/one.tsv" | cut -f1-8,11-13

echo "== across $cores cores with GNU parallel (each block gets the header)"
if parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
	# --pipepart reads the file itself; --block -1 gives one block per job slot
	parallel --pipepart -a "$units" --header : --block -1 pb-coverage $opts --partial |
		pb-coverage --merge >"$tmp/parallel.tsv"
	check "$tmp/parallel.tsv"
else
	echo "   (GNU parallel is not installed: the command would be"
	echo "    parallel --pipepart -a $units --header : --block -1 pb-coverage $opts --partial | pb-coverage --merge)"
fi

echo "== across $cores cores with coreutils only: split -n r/N runs N filters at once"
header=$(head -1 "$units")
export header opts
tail -n +2 "$units" |
	split -n r/"$cores" --filter='{ printf "%s\n" "$header"; cat; } | pb-coverage $opts --partial >"$FILE.cov"' - "$tmp/part."
pb-coverage --merge "$tmp"/part.*.cov >"$tmp/split.tsv"
check "$tmp/split.tsv"

echo "== across machines: Hadoop Streaming, simulated (map per split, sort = shuffle, one reducer)"
# On a cluster (pb-coverage and the mapper shipped with -files):
#   hadoop jar hadoop-streaming.jar \
#     -files examples/coverage/hadoop-map.sh,header.tsv,bin/pb-coverage \
#     -input /data/units -output /data/cov -numReduceTasks 1 \
#     -mapper "sh hadoop-map.sh header.tsv $opts" -reducer "pb-coverage --merge"
# Spark (PySpark), the same two commands through pipe():
#   rdd = sc.textFile("/data/units")   # header only in the first partition
#   cov = (rdd.mapPartitions(lambda it: [HEADER] + [l for l in it if l != HEADER])
#             .pipe("pb-coverage " + OPTS + " --partial")
#             .coalesce(1).pipe("pb-coverage --merge"))
head -1 "$units" >"$tmp/header.tsv"
mkdir "$tmp/splits"
split -l 400 "$units" "$tmp/splits/input."   # raw splits: only the first has the header
for s in "$tmp"/splits/input.*; do
	hadoop-map.sh "$tmp/header.tsv" $opts <"$s"
done | LC_ALL=C sort | pb-coverage --merge >"$tmp/hadoop.tsv"
check "$tmp/hadoop.tsv"
