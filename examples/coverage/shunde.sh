#!/bin/sh
# 顺德 (南方日报, 2022-08-04): "2023年，该区将建成30个'五星'活力支部，全区50%的物业住宅
# 小区党支部达到'四星'及以上". A made-up register of 320 compound branches with the stars
# their 活力指数 (33 items) earned in 2023, as the plan meant them:
#   -> stars=5: 30, covered (4 or 5 stars) 160 of 320, covered_rate 0.5
# Usage: sh examples/coverage/shunde.sh [DIR]
set -eu
cd "$(dirname "$0")/../.."
PATH="$PWD/bin:$PATH"
out=${1:-build/examples/shunde}
mkdir -p "$out"

awk 'BEGIN {
	OFS = "\t"
	nt = split("大良街道 容桂街道 伦教街道 勒流街道 陈村镇 均安镇 杏坛镇 龙江镇 乐从镇 北滘镇", town, " ")
	split("大良 容桂 伦教 勒流 陈村 均安 杏坛 龙江 乐从 北滘", short, " ")
	print "unit_id", "unit_name", "unit_type", "district", "town", "org_mode", "org_id", "stars"
	for (i = 1; i <= 320; i++) {
		# every 32 branches: 3 five-star, 13 four-star, 10 three-star, 6 two-star
		k = (i - 1) % 32
		stars = k < 3 ? 5 : k < 16 ? 4 : k < 26 ? 3 : 2
		name = i == 1 ? "丽港豪园" : sprintf("%s小区%02d", short[(i - 1) % nt + 1], int((i - 1) / nt) + 1)
		print sprintf("SD-R%03d", i), name, "residential", "顺德区", town[(i - 1) % nt + 1], "single",
			sprintf("SD-O%03d", i), stars
	}
}' >"$out/compounds.tsv"

echo "== 30 five-star branches; 50% at four stars or more"
pb-coverage --by district --status stars --covered 4,5 "$out/compounds.tsv" | tee "$out/stars.tsv"
