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
PATH="$PWD/bin:$PATH"
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
# examples/scale/hadoop/run.sh is the job as typed on a cluster; local.sh stands in for
# `hadoop jar hadoop-streaming.jar` here: raw splits (only the first has the header), the
# mapper per split, a sort by key, the reducer. Spark's pipe() is in man/pb-coverage.1.
head -1 "$units" >"$tmp/header.tsv"
# shellcheck disable=SC2086
HADOOP="sh examples/scale/hadoop/local.sh" LOCAL_SPLITS=4 \
	sh examples/scale/hadoop/run.sh "$tmp/header.tsv" "$units" "$tmp/hadoop" $opts
check "$tmp/hadoop/part-00000"
