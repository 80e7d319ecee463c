#!/bin/sh
# The month's 通报 from a units register: coverage by district in the official
# order with the change since last month, progress against the year's target,
# the district ranking with stars, flags and rank changes, the trend over the
# last MONTHS months, and two paragraphs of prose with their figures filled in
# from the tables — as 通报.docx, 通报.html and 通报.xlsx in OUTDIR (each written
# atomically by pb-report -o), and the text form on standard output.
#
#   bulletin.sh UNITS.tsv TARGETS.tsv AS_OF OUTDIR [MONTHS]
#
# AS_OF is the last day counted (YYYY-MM-DD, usually a month's end); MONTHS
# (default 5) how many month ends the trend shows. Exit status: 0, 1 when a
# step left rows out (everything good is still written), 2 when a step failed.
# Used by `make demo` (examples/demo.sh) and the monthly cron job
# (examples/cron/pb-monthly.sh).
set -u
[ $# -ge 4 ] || { echo "usage: bulletin.sh UNITS.tsv TARGETS.tsv AS_OF OUTDIR [MONTHS]" >&2; exit 2; }
units=$1 targets=$2 as_of=$3 dir=$4 months=${5:-5}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
rc=0

# Runs one step; remembers the worst exit status; false when the step failed.
step() {
	"$@"
	r=$?
	[ $r -le $rc ] || rc=$r
	[ $r -lt 2 ]
}

# The last day of the month N months after DATE's month: month_end 2022-07-31 -1 is 2022-06-30.
month_end() {
	date -d "$(date -d "$1" +%Y-%m-01) $2 month +1 month -1 day" +%F
}

# Adds a leading period column (pb-coverage --period does the same where it exists).
with_period() {
	awk -v p="$1" 'BEGIN { FS = OFS = "\t" } NR == 1 { print "period", $0; next } { print p, $0 }'
}

# Each month end's coverage by district, one table with the header once: the trend.
trend() {
	i=$((months - 1))
	while [ $i -ge 0 ]; do
		d=$(month_end "$as_of" -$i) || return 2
		step pb-coverage --as-of "$d" --by district --total "$units" >"$work/m.tsv" || return 2
		with_period "${d%-*}" <"$work/m.tsv" | { [ $i -eq $((months - 1)) ] && cat || tail -n +2; }
		i=$((i - 1))
	done >"$work/trend.tsv"
}

# The groups that have a target, with their progress.
progress() {
	step pb-coverage --as-of "$as_of" --by district,unit_type --targets "$targets" "$units" \
		>"$work/t.tsv" || return 2
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "target") t = i } NR == 1 || $t != ""' \
		"$work/t.tsv" >"$work/progress.tsv"
}

# Districts by their own-organization rate, with stars, the best and the last flagged.
rank() {
	pb-rank --id district --score single_rate --stars 0.95,0.9,0.85,0.8 --top 1 --bottom 1 "$@"
}

prev=$(month_end "$as_of" -1) || exit 2
step pb-coverage --as-of "$prev" --by district --total -o "$work/prev.tsv" "$units" &&
	step pb-coverage --as-of "$as_of" --by district --total --compare "$work/prev.tsv" \
		-o "$work/coverage.tsv" "$units" &&
	step progress &&
	step rank -o "$work/prev-rank.tsv" "$work/prev.tsv" &&
	step rank --prev "$work/prev-rank.tsv" -o "$work/rank.tsv" "$work/coverage.tsv" &&
	step trend || exit 2

day=$(date -d "$as_of" +%Y年%-m月%-d日)
report() {
	pb-report --title "佛山市基层党组织覆盖情况通报" --subtitle "截至$day" \
		--order district=@"$here/districts.txt" \
		--heading "一、各区覆盖情况" --heading "二、物业住宅小区党支部建设进度" \
		--heading "三、各区单独组建率排名" --heading "四、近${months}个月单独组建率走势" \
		--columns 1:district,units,single,joint,work,none,single_rate,single_rate_delta_pp,org_rate \
		--columns 2:district,unit_type,target,done,progress_rate,time_rate,ahead_pp \
		--columns 3:district,single_rate,rank,rank_change,stars,flag \
		--columns 4:period,district,units,single,single_rate --label 4:period=月份 \
		--chart 3:single_rate --chart 4:single_rate \
		--note "注：单独组建率为单独组建党组织的单位占单位总数的比例；时序进度按日历计算。" \
		--note "数据来源：各区组织部台账（示例数据）" \
		"$@" "$work/coverage.tsv" "$work/progress.tsv" "$work/rank.tsv" "$work/trend.tsv"
}
mkdir -p "$dir" || exit 2
step report --template "$here/bulletin.txt" &&
	step report --format docx -o "$dir/通报.docx" --template "$here/bulletin.txt" &&
	step report --format html -o "$dir/通报.html" --template "$here/bulletin.txt" &&
	step report --format xlsx -o "$dir/通报.xlsx" || exit 2
exit $rc
