#!/bin/sh
# 汕尾城区 (汕尾日报, "如何激活城市基层党建活力"): made-up registers, unit by unit, that
# give the published figures:
#   全区99个村(社区)均签订《党建共建协议》       -> covered 99 of 99, and no unsigned one
#   1506名机关党员、336名镇街干部、615名"两委"干部、2456名基层干部深入一线
#   收集意见建议共6368条，解决民生实事6416件     -> the sums of six columns
#   动态评选10家"党员先锋店"，选派30名"两新"党建指导员
#                                                 -> covered 10, instructor_distinct 30
# Usage: sh examples/coverage/shanwei.sh [DIR]
set -eu
cd "$(dirname "$0")/../.."
PATH="$PWD/bin:$PATH"
out=${1:-build/examples/shanwei}
mkdir -p "$out"

# cunju.tsv: the 99 villages and communities, each with its agreement and its share of
# the year's 双报到 figures
awk -f examples/coverage/apportion.awk -f - <<'AWK' >"$out/cunju.tsv"
BEGIN {
	OFS = "\t"
	nt = split("凤山街道 香洲街道 新港街道 马宫街道 东涌镇 红草镇 捷胜镇", town, " ")
	split("凤山 香洲 新港 马宫 东涌 红草 捷胜", short, " ")
	print "unit_id", "unit_name", "unit_type", "district", "town", "org_mode", "org_id", "signed",
		"agency_members", "town_cadres", "committee_cadres", "grassroots_cadres", "suggestions", "solved"
	for (i = 1; i <= 99; i++)
		w[i] = 3 + (i * 5) % 7
	apportion(1506, 99, w, agency)
	apportion(336, 99, w, towncad)
	apportion(615, 99, w, committee)
	apportion(2456, 99, w, grassroots)
	apportion(6368, 99, w, suggestions)
	apportion(6416, 99, w, solved)
	for (i = 1; i <= 99; i++) {
		t = town[(i - 1) % nt + 1]
		type = t ~ /镇$/ ? "village" : "community"
		name = i == 1 ? "滨海社区" : sprintf("%s%s%02d", short[(i - 1) % nt + 1], type == "village" ? "村" : "社区", int((i - 1) / nt) + 1)
		print sprintf("SW-C%02d", i), name, type, "城区", t, "single", sprintf("SW-O%02d", i), 1,
			agency[i], towncad[i], committee[i], grassroots[i], suggestions[i], solved[i]
	}
}
AWK

# liangxin.tsv: 150 firms and social organizations of the business districts and parks;
# 30 instructors serve them, five units each; 10 shops are 党员先锋店
awk 'BEGIN {
	OFS = "\t"
	print "unit_id", "unit_name", "unit_type", "district", "area", "org_mode", "org_id", "instructor", "pioneer"
	for (i = 1; i <= 150; i++) {
		type = i <= 100 ? "enterprise" : "social_org"
		mode = i % 4 == 0 ? "single" : i % 4 == 1 ? "joint" : "work"
		org = mode == "single" ? sprintf("SW-L%03d", i) : mode == "joint" ? sprintf("SW-J%02d", i % 9) : ""
		print sprintf("SW-E%03d", i), (type == "enterprise" ? sprintf("城区商户%03d", i) : sprintf("城区协会%02d", i - 100)),
			type, "城区", (i % 3 ? "城市功能核心区" : "城乡融合发展区"), mode, org,
			sprintf("指导员%02d", (i - 1) % 30 + 1), (i <= 100 && i % 10 == 3 ? 1 : 0)
	}
}' >"$out/liangxin.tsv"

echo "== 99 村(社区) signed 党建共建协议; 1506 / 336 / 615 / 2456 went down; 6368 suggestions, 6416 solved"
pb-coverage --status signed --covered 1 \
	--sum agency_members,town_cadres,committee_cadres,grassroots_cadres,suggestions,solved \
	"$out/cunju.tsv" | tee "$out/agreements.tsv"
echo "== the unsigned (none)"
pb-coverage --list uncovered --status signed --covered 1 "$out/cunju.tsv" | tee "$out/unsigned.tsv" | cut -f1,2
echo "== 10 党员先锋店, 30 两新党建指导员"
pb-coverage --by unit_type --total --status pioneer --covered 1 --distinct instructor \
	"$out/liangxin.tsv" | tee "$out/liangxin-summary.tsv"
