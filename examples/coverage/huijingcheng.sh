#!/bin/sh
# 禅城惠景城 (南方日报, 2022-08-04): "惠景社区党委将惠景城小区党支部按楼栋重组，设立九个党
# 支部" and "惠景城小区超82%的业主在小程序上完成认证". Made-up registers of the compound's
# 27 buildings (three to a branch) and of its 1,386 households:
#   -> orgs 9 over 27 buildings, org_rate 1; covered_rate 0.8225… (1,140 of 1,386, over 82%)
# Usage: sh examples/coverage/huijingcheng.sh [DIR]
set -eu
cd "$(dirname "$0")/../.."
PATH="$PWD/bin:$PATH"
out=${1:-build/examples/huijingcheng}
mkdir -p "$out"

awk 'BEGIN {
	OFS = "\t"
	split("一 二 三 四 五 六 七 八 九", cn, " ")
	print "unit_id", "unit_name", "unit_type", "community", "compound", "org_mode", "org_id", "org_name", "members", "established"
	for (i = 1; i <= 27; i++) {
		b = int((i - 1) / 3) + 1
		print sprintf("HJC-%02d", i), sprintf("惠景城%d座", i), "residential", "惠景社区", "惠景城", "joint",
			sprintf("HJC-B%d", b), "惠景城小区第" cn[b] "党支部", 3 + (i * 5) % 9, "2021-12-28"
	}
}' >"$out/buildings.tsv"

awk 'BEGIN {
	OFS = "\t"
	print "unit_id", "building", "compound", "authenticated"
	for (i = 1; i <= 1386; i++)
		print sprintf("HJC-%02d-%03d", (i - 1) % 27 + 1, int((i - 1) / 27) + 1), sprintf("惠景城%d座", (i - 1) % 27 + 1),
			"惠景城", ((i * 37) % 1386 < 1140 ? 1 : 0)
}' >"$out/households.tsv"

echo "== nine branches, one compound"
pb-coverage --by community,compound "$out/buildings.tsv" | tee "$out/branches.tsv" | cut -f1-8,11
echo "== owners authenticated"
pb-coverage --by compound --status authenticated --covered 1 "$out/households.tsv" | tee "$out/owners.tsv"
