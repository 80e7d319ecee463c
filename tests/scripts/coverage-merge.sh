#!/usr/bin/env bash
# Property: for any split of the rows, pb-coverage --partial per part then --merge gives
# byte for byte the single-pass output. Random splits (awk, fixed seeds) into 1..7 parts,
# some empty, under several option sets; partials merged from files, and from one stream
# in any line order (as a Hadoop Streaming reducer or Spark pipe() would feed them).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

awk 'BEGIN {
	srand(7); OFS = "\t"
	nd = split("禅城区 南海区 顺德区 高明区 三水区", d, " ")
	nt = split("residential key_project enterprise agency village community", t, " ")
	print "unit_id", "district", "unit_type", "org_mode", "org_id", "members", "instructor", "established", "dissolved", "opened", "closed", "signed", "amount"
	for (i = 1; i <= 6000; i++) {
		r = rand()
		mode = r < 0.35 ? "single" : r < 0.60 ? "joint" : r < 0.80 ? "work" : "none"
		if (i % 1000 == 0) mode = "bogus"   # a data error: reported, not counted
		org = mode == "single" ? "s" i : mode == "joint" ? "j" int(rand() * 150) : ""
		print "u" i, d[1 + int(rand() * nd)], t[1 + int(rand() * nt)], mode, org,
			(rand() < 0.15 ? "" : int(rand() * 8)), (rand() < 0.5 ? "i" i : ""),
			date(0.3), date(0.8), date(0.3), date(0.8), (rand() < 0.1 ? "" : int(rand() * 2)),
			(rand() < 0.1 ? "" : sprintf("%.2f", rand() * 2000 - 100))
	}
	for (i = 1; i <= 3000; i++)
		print "u" (1 + int(rand() * 6000)), "u" (1 + int(rand() * 6000)) >"'"$tmp"'/links.body"
}
function date(pempty) {
	if (rand() < pempty)
		return ""
	return sprintf("%04d-%02d-%02d", 2020 + int(rand() * 4), 1 + int(rand() * 12), 1 + int(rand() * 28))
}' >"$tmp/units.tsv"
{ printf 'from_id\tto_id\n'; cat "$tmp/links.body"; } >"$tmp/links.tsv"
pb-coverage --by district --rollup "$tmp/units.tsv" >"$tmp/prev.tsv" 2>/dev/null
printf 'district\ttarget\tperiod_start\tperiod_end\n禅城区\t900\t2022-01-01\t2022-12-31\n合计\t3000\t2022-01-01\t2022-12-31\n' >"$tmp/targets.tsv"
printf 'district\ttarget\tperiod_start\tperiod_end\tmeasure\n南海区\t200000.5\t2022-01-01\t2022-12-31\tamount\n合计\t3000\t2022-01-01\t2022-12-31\t\n' >"$tmp/measure.tsv"

configs=(
	"--by district,unit_type --rollup"
	"--by district --total --as-of 2022-06-30 --min-members 2"
	""
	"--by unit_type --status signed --covered 1"
	"--by district --total --links $tmp/links.tsv --partners $tmp/units.tsv --partner-type village,community --min-links 2"
	"--by district --rollup --compare $tmp/prev.tsv --targets $tmp/targets.tsv --as-of 2022-06-16"
	"--by district,unit_type --rollup --sum amount,members --distinct instructor,org_id --as-of 2022-06-30 --since 2022-01-01 --period 2022-06"
	"--by district --total --targets $tmp/measure.tsv --time-rate 6.5/12 --sum amount"
)
seed=0
for cfg in "${configs[@]}"; do
	# shellcheck disable=SC2086
	pb-coverage $cfg "$tmp/units.tsv" >"$tmp/one.tsv" 2>/dev/null
	name=${cfg//$tmp\//}
	name=${name:-no --by}
	[ "$(wc -l <"$tmp/one.tsv")" -gt 1 ] || notok "$name: single pass wrote no table"
	for trial in 1 2 3; do
		seed=$((seed + 1))
		rm -f "$tmp"/part.* "$tmp"/*.cov
		awk -v seed=$seed -v dir="$tmp" 'BEGIN { srand(seed); k = 1 + int(rand() * 7) }
			NR == 1 { for (p = 1; p <= k; p++) print >(dir "/part." p); next }
			{ print >>(dir "/part." (1 + int(rand() * k))) }' "$tmp/units.tsv"
		for p in "$tmp"/part.*; do
			# shellcheck disable=SC2086
			pb-coverage $cfg --partial "$p" >"$p.cov" 2>/dev/null
		done
		parts=$(ls "$tmp"/part.*.cov | wc -l)
		if pb-coverage --merge "$tmp"/part.*.cov >"$tmp/merged.tsv" 2>"$tmp/err" &&
		   cmp -s "$tmp/one.tsv" "$tmp/merged.tsv"; then
			ok "split $seed into $parts parts, $name: merge equals one pass"
		else
			notok "split $seed into $parts parts, $name: merge equals one pass" \
				"$(cat "$tmp/err"; diff "$tmp/one.tsv" "$tmp/merged.tsv" | head)"
		fi
	done
	# one stream: the first header, then every other line of every partial shuffled
	{ head -1 "$tmp/part.1.cov"; cat "$tmp"/part.*.cov | awk -v s=$seed 'BEGIN { srand(s) } { print rand() "\t" $0 }' |
		sort -k1,1 | cut -f2-; } >"$tmp/stream"
	if pb-coverage --merge <"$tmp/stream" | cmp -s "$tmp/one.tsv" -; then
		ok "$name: partial lines in any order on stdin merge to the same bytes"
	else
		notok "$name: partial lines in any order on stdin merge to the same bytes"
	fi
done
echo "1..$tap_n"
