#!/usr/bin/env bash
# examples/scale/hadoop: run.sh's Hadoop Streaming job, run by local.sh as Streaming runs
# it (splits without headers, map.sh per split in a task folder holding the -files, a
# sort by key as the shuffle, reduce.sh), gives byte for byte one pass of pb-coverage,
# under several option sets and split counts, empty splits included. The mapper and the
# reducer use the pb-coverage shipped with -files, not one on PATH.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20 | sed 's/^/# /'; }
hadoop=$top/examples/scale/hadoop
units=$top/examples/coverage/units.tsv
head -n 1 "$units" >"$tmp/header.tsv"
head -n 11 "$units" >"$tmp/small.tsv"   # ten units: 15 splits leave some empty
# pb-coverage for run.sh to ship; PATH without it, so the tasks must use the shipped one
mkdir "$tmp/pb"
cp "$top/bin/pb-coverage" "$tmp/pb/"
export PB_BIN=$tmp/pb HADOOP="sh $hadoop/local.sh"
path_without_pb=/usr/local/bin:/usr/bin:/bin

configs=(
	"--by district,unit_type --rollup --as-of 2022-06-30"
	"--by district --total --min-members 5"
	""
)
k=0
for cfg in "${configs[@]}"; do
	for input in units:1 units:4 units:13 small:15; do
		reg=$units; [ "${input%%:*}" = small ] && reg=$tmp/small.tsv
		splits=${input#*:}
		k=$((k + 1))
		# shellcheck disable=SC2086
		"$top/bin/pb-coverage" $cfg "$reg" >"$tmp/one.tsv"
		# shellcheck disable=SC2086
		if PATH=$path_without_pb LOCAL_SPLITS=$splits sh "$hadoop/run.sh" "$tmp/header.tsv" "$reg" "$tmp/out$k" $cfg 2>"$tmp/err" &&
		   cmp -s "$tmp/one.tsv" "$tmp/out$k/part-00000"; then
			ok "${cfg:-no options}, ${input%%:*} in $splits splits: part-00000 is one pass"
		else
			notok "${cfg:-no options}, ${input%%:*} in $splits splits: part-00000 is one pass" \
				"$(cat "$tmp/err"; diff "$tmp/one.tsv" "$tmp/out$k/part-00000" 2>&1 | head)"
		fi
	done
done

# a folder of inputs (Hadoop's usual -input), each file with its own header
mkdir "$tmp/in"
D=$tmp
export D
split -n l/3 -a 1 --filter='{ [ "$FILE" = "$D/in/a" ] || cat "$D/header.tsv"; cat; } >"$FILE"' "$units" "$tmp/in/"
"$top/bin/pb-coverage" --by district "$units" >"$tmp/one.tsv"
if PATH=$path_without_pb sh "$hadoop/run.sh" "$tmp/header.tsv" "$tmp/in" "$tmp/outdir" --by district 2>"$tmp/err" &&
   cmp -s "$tmp/one.tsv" "$tmp/outdir/part-00000"; then
	ok "an input folder of three files, each with the header: part-00000 is one pass"
else
	notok "an input folder of three files: part-00000 is one pass" "$(cat "$tmp/err")"
fi

# the mapper's output is a partial whose lines all have a key and a value (a tab), so the
# shuffle gives the reducer back the very lines
if sh "$hadoop/map.sh" "$tmp/header.tsv" --by district <"$units" >"$tmp/partial" &&
   head -n 1 "$tmp/partial" | grep -q '^#pb_coverage_partial' && ! grep -q -v "$(printf '\t')" "$tmp/partial"; then
	ok "map.sh writes a partial, every line with a tab"
else
	notok "map.sh writes a partial, every line with a tab" "$(head -3 "$tmp/partial")"
fi
echo "1..$n"
