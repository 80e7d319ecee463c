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

echo "== the 通报 of July 2022: coverage in the official order of districts, the change since"
echo "   June, progress against the target, the ranking, the trend since March, the prose"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1659225600} # 2022-07-31: the same bytes on every run
sh examples/report/bulletin.sh "$out/units.tsv" "$out/targets.tsv" 2022-07-31 "$out" || [ $? -eq 1 ]

echo "== the detail for a spreadsheet: by district and type, subtotals and the city total"
pb-coverage --as-of 2022-07-31 --by district,unit_type --rollup "$out/units.tsv" |
	pb-report --format csv --order district=@examples/report/districts.txt -o "$out/通报.csv"
echo
echo "The 通报 is written:"
echo "  $out/通报.docx   Word/WPS: the 公文 on A4, prose, tables and charts"
echo "  $out/通报.html   a browser: one page, prints on A4"
echo "  $out/通报.xlsx   Excel/WPS: a sheet a section, charts below the tables"
echo "  $out/通报.csv    the detail by district and type, for a spreadsheet"
