#!/usr/bin/env bash
# pb-coverage's tables are pb TSV that pb-report and pb-rank read as they are (DESIGN §2):
# every option's output goes through both without an error, nothing on stderr, every
# group reaches the report and the ranking, and the total rows reach the report.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

awk 'BEGIN {
	srand(11); OFS = "\t"
	nd = split("禅城区 南海区 顺德区 高明区", d, " ")
	nt = split("residential key_project enterprise", t, " ")
	print "unit_id", "district", "unit_type", "org_mode", "org_id", "members", "instructor", "signed"
	for (i = 1; i <= 400; i++) {
		r = rand()
		mode = r < 0.35 ? "single" : r < 0.60 ? "joint" : r < 0.80 ? "work" : "none"
		org = mode == "single" ? "s" i : mode == "joint" ? "j" int(rand() * 20) : ""
		print "u" i, d[1 + int(rand() * nd)], t[1 + int(rand() * nt)], mode, org,
			int(rand() * 6), (mode == "work" ? "i" i : ""), int(rand() * 2)
	}
}' >"$tmp/units.tsv"
pb-coverage --by district "$tmp/units.tsv" >"$tmp/prev.tsv"
printf 'district\ttarget\tperiod_start\tperiod_end\n禅城区\t90\t2022-01-01\t2022-12-31\n合计\t300\t2022-01-01\t2022-12-31\n' >"$tmp/targets.tsv"

configs=(
	"--by district --total"
	"--by district,unit_type --rollup"
	"--by district --rollup --min-members 2"
	"--by district --total --compare $tmp/prev.tsv --targets $tmp/targets.tsv --as-of 2022-06-16"
	"--by district --total --status signed"
)
for cfg in "${configs[@]}"; do
	name=${cfg//$tmp\//}
	# shellcheck disable=SC2086
	pb-coverage $cfg "$tmp/units.tsv" >"$tmp/cov.tsv" 2>"$tmp/err"
	groups=$(tail -n +2 "$tmp/cov.tsv" | grep -v -c '合计')
	totals=$(tail -n +2 "$tmp/cov.tsv" | grep -c '合计')
	for fmt in text md csv html; do
		if pb-report --format "$fmt" "$tmp/cov.tsv" >"$tmp/rep" 2>>"$tmp/err" && [ ! -s "$tmp/err" ] &&
		   [ "$(grep -c '合计' "$tmp/rep")" -ge "$totals" ] && [ "$totals" -ge 1 ] &&
		   [ "$(grep -c -e '禅城区' "$tmp/rep")" -ge 1 ]; then
			ok "$name | pb-report --format $fmt: exit 0, quiet, groups and totals shown"
		else
			notok "$name | pb-report --format $fmt" "$(cat "$tmp/err")"
		fi
	done
	# pb-rank needs an id unique over the table: one --by column (district) here
	[[ $cfg == *unit_type* ]] && continue
	id=district
	score=org_rate
	[[ $cfg == *status* ]] && score=covered_rate
	# shellcheck disable=SC2086
	if pb-coverage $cfg "$tmp/units.tsv" 2>>"$tmp/err" |
	   pb-rank --id "$id" --score "$score" >"$tmp/rank" 2>>"$tmp/err" && [ ! -s "$tmp/err" ] &&
	   [ "$(($(wc -l <"$tmp/rank") - 1))" -eq "$groups" ]; then
		ok "$name | pb-rank --id $id: exit 0, quiet, one row per group"
	else
		notok "$name | pb-rank --id $id" "$(cat "$tmp/err"; cat "$tmp/rank")"
	fi
done
echo "1..$tap_n"
