#!/bin/sh
# The example pipeline: a register as an office keeps it (an .xlsx with title
# rows and districts merged down their rows), then a city register as WPS
# saves it (GB18030) through import, coverage, ranking and report. Run by
# `make demo`.
set -eu
cd "$(dirname "$0")/.."
PATH="$PWD/bin:$PATH"
out=build/demo
mkdir -p "$out"
data=examples/data

echo "== pb-import: 非公台账.xlsx as the office keeps it (title rows, a two-row header, merged districts)"
pb-import --as-of 2023-06-30 --aliases "$data/非公台账-别名.tsv" -o "$out/feigong.tsv" "$data/非公台账.xlsx"
pb-coverage --by district,town --total "$out/feigong.tsv" | cut -f1-7,11
echo
echo "== pb-import: the 佛山 register (GB18030, Chinese headers) and the year's target"
pb-import --as-of 2022-08-04 --rejects "$out/rejects.tsv" -o "$out/units.tsv" "$data/foshan-units.csv"
pb-import --kind targets -o "$out/targets.tsv" "$data/foshan-targets.csv"

echo "== pb-coverage: by district and type, subtotals and the city total (as of 2022-08-04)"
pb-coverage --as-of 2022-08-04 --by district,unit_type --rollup -o "$out/coverage.tsv" "$out/units.tsv"

echo "== pb-coverage: 禅城 compound branches on 16 June against the target of 80"
pb-coverage --as-of 2022-06-16 --by district,unit_type --targets "$out/targets.tsv" "$out/units.tsv" |
	awk -F'\t' 'NR == 1 || $1 == "禅城区" && $2 == "residential"' | cut -f1,2,14-18 >"$out/progress.tsv"

echo "== pb-rank: districts by their own-organization rate"
pb-coverage --as-of 2022-08-04 --by district "$out/units.tsv" >"$out/by-district.tsv"
cut -f1,2,11 "$out/by-district.tsv" |
	pb-rank --id district --score single_rate --top 1 --bottom 1 -o "$out/rank.tsv"

echo "== pb-report"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1659571200}
title="佛山市基层党组织覆盖情况通报"
pb-report --title "$title" --subtitle "截至2022年8月4日" \
	--heading "各区分领域覆盖情况" --heading "禅城区小区党支部建设进度" --heading "各区单独组建率排名" \
	--note "数据来源：各区组织部台账（示例数据）" \
	"$out/coverage.tsv" "$out/progress.tsv" "$out/rank.tsv"
pb-report --format html --chart single_rate -o "$out/通报.html" --title "$title" --subtitle "截至2022年8月4日" \
	--note "数据来源：各区组织部台账（示例数据）" \
	--heading "各区分领域覆盖情况" --heading "禅城区小区党支部建设进度" --heading "各区单独组建率排名" \
	"$out/coverage.tsv" "$out/progress.tsv" "$out/rank.tsv"
pb-report --format xlsx --chart single_rate -o "$out/通报.xlsx" --title "$title" --subtitle "截至2022年8月4日" \
	--note "数据来源：各区组织部台账（示例数据）" \
	--heading "各区分领域覆盖情况" --heading "禅城区小区党支部建设进度" --heading "各区单独组建率排名" \
	"$out/coverage.tsv" "$out/progress.tsv" "$out/rank.tsv"
pb-report --format csv -o "$out/通报.csv" "$out/coverage.tsv"
echo
echo "Reports written: $out/通报.html (open in a browser, print on A4), $out/通报.xlsx (Excel/WPS), $out/通报.csv"
