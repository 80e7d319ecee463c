#!/bin/sh
# 汕头潮南 (南方杂志, "推进党建共同体建设"): a made-up register, unit by unit, that gives
# the published figures:
#   组织发动1491个基层党组织和3万多名党员          -> orgs 1491, members 3xxxx
#   成立252个临时党支部 (10个交通路口、11个医学集中观察点、驻村防疫工作队)
#                                                 -> built_since 252 (10 + 11 + 231)
#   每个区直机关企事业单位至少与1个村(社区)党组织联建共建
#                                                 -> covered_rate 1, and no unpaired agency
#   开放党群服务中心232处，共同组织教育培训326场次，培训党员16004人次
#                                                 -> covered 232, sessions 326, trained 16004
# Usage: sh examples/coverage/chaonan.sh [DIR]   (registers and answers go to DIR)
set -eu
cd "$(dirname "$0")/../.."
PATH="$PWD/bin:$PATH"
out=${1:-build/examples/chaonan}
mkdir -p "$out"

# units.tsv: 233 villages and communities, 56 district agencies, 750 firms, 420 social
# organizations, 282 schools and institutions; 1,431 organizations of their own and 60
# joint ones
awk -f examples/coverage/apportion.awk -f - <<'AWK' >"$out/units.tsv"
BEGIN {
	OFS = "\t"
	nt = split("峡山街道 井都镇 陇田镇 雷岭镇 成田镇 红场镇 胪岗镇 两英镇 仙城镇 陈店镇 司马浦镇", town, " ")
	split("峡山 井都 陇田 雷岭 成田 红场 胪岗 两英 仙城 陈店 司马浦", short, " ")
	na = split("区交通运输局 区教育局 区卫生健康局 区民政局 区人力资源和社会保障局 区住房和城乡建设局 区财政局 区农业农村局 区文化广电旅游体育局 区市场监督管理局", agency, " ")
	print "unit_id", "unit_name", "unit_type", "district", "town", "org_mode", "org_id", "org_name", "org_kind", "members", "instructor", "center_open", "sessions", "trained"
	for (i = 1; i <= 233; i++)
		w[i] = 2 + (i * 7) % 5
	apportion(326, 233, w, sessions)
	apportion(16004, 233, w, trained)
	for (i = 1; i <= 233; i++) {
		t = town[(i - 1) % nt + 1]
		type = i % 5 == 0 ? "community" : "village"
		name = sprintf("%s%s%02d", short[(i - 1) % nt + 1], type == "community" ? "社区" : "村", int((i - 1) / nt) + 1)
		print sprintf("CN-V%03d", i), name, type, "潮南区", t, "single", sprintf("CN-O%04d", i), name "党组织",
			(i % 7 ? "general_branch" : "committee"), 55 + (i * 13) % 41, "", (i == 233 ? 0 : 1), sessions[i], trained[i]
	}
	for (i = 1; i <= 56; i++) {
		name = i <= na ? agency[i] : sprintf("区直单位%02d", i)
		print sprintf("CN-A%02d", i), name, "agency", "潮南区", "峡山街道", "single", sprintf("CN-O%04d", 300 + i),
			name "机关党支部", "branch", 15 + i % 20, "", "", "", ""
	}
	for (i = 1; i <= 750; i++) {
		mode = i <= 560 ? "single" : i <= 700 ? "joint" : i <= 730 ? "work" : "none"
		org = mode == "single" ? sprintf("CN-O%04d", 400 + i) : mode == "joint" ? sprintf("CN-J%02d", (i - 561) % 35 + 1) : ""
		print sprintf("CN-E%03d", i), sprintf("潮南企业%03d", i), "enterprise", "潮南区", town[i % nt + 1], mode, org,
			(org == "" ? "" : org "党支部"), (org == "" ? "" : "branch"), (mode == "single" ? 3 + i % 9 : 1 + i % 3),
			(mode == "work" ? sprintf("指导员%02d", i % 12) : ""), "", "", ""
	}
	for (i = 1; i <= 420; i++) {
		mode = i <= 300 ? "single" : i <= 400 ? "joint" : "work"
		org = mode == "single" ? sprintf("CN-O%04d", 1200 + i) : mode == "joint" ? sprintf("CN-J%02d", 35 + (i - 301) % 25 + 1) : ""
		print sprintf("CN-S%03d", i), sprintf("潮南社会组织%03d", i), "social_org", "潮南区", town[i % nt + 1], mode, org,
			(org == "" ? "" : org "党支部"), (org == "" ? "" : "branch"), (mode == "single" ? 2 + i % 5 : 1),
			(mode == "work" ? sprintf("指导员%02d", i % 12) : ""), "", "", ""
	}
	for (i = 1; i <= 282; i++)
		print sprintf("CN-X%03d", i), sprintf("潮南学校医院%03d", i), "other", "潮南区", town[i % nt + 1], "single",
			sprintf("CN-O%04d", 1700 + i), sprintf("潮南学校医院%03d党支部", i), "branch", 10 + i % 25, "", "", "", ""
}
AWK
awk -F'\t' 'NR == 1 || $3 == "agency"' "$out/units.tsv" >"$out/agencies.tsv"

# links.tsv: every agency with one or two villages (区教育局 also with 上底村 and a school,
# 区交通运输局 with a project's firm), and villages with each other across towns
awk 'BEGIN {
	OFS = "\t"
	print "from_id", "to_id", "link_type"
	for (i = 1; i <= 56; i++) {
		print sprintf("CN-A%02d", i), sprintf("CN-V%03d", (i * 7) % 233 + 1), "结对共建"
		if (i % 3 == 0)
			print sprintf("CN-A%02d", i), sprintf("CN-V%03d", (i * 11) % 233 + 1), "结对共建"
	}
	print "CN-A01", "CN-E001", "党建共同体"
	print "CN-A02", "CN-X001", "党建共同体"
	for (i = 1; i <= 60; i++)
		print sprintf("CN-V%03d", i), sprintf("CN-V%03d", i + 100), "党建共同体"
}' >"$out/links.tsv"

# posts.tsv: the epidemic posts of early 2020, each with its temporary branch
awk -F'\t' 'NR > 1 && $3 ~ /village|community/ { v[++n] = $1 "\t" $2 "\t" $5 } END {
	OFS = "\t"
	print "unit_id", "unit_name", "unit_type", "town", "post", "org_mode", "org_id", "org_kind", "established", "dissolved"
	for (i = 1; i <= 252; i++) {
		post = i <= 10 ? "交通路口" : i <= 21 ? "医学集中观察点" : "驻村防疫工作队"
		split(v[i - 21 > 0 ? i - 21 : i], p, "\t")
		name = i <= 10 ? sprintf("交通路口%02d", i) : i <= 21 ? sprintf("医学集中观察点%02d", i - 10) : p[2] "防疫工作队"
		print sprintf("CN-P%03d", i), name, "other", p[3], post, "single", sprintf("CN-T%03d", i), "temp_branch",
			sprintf("2020-01-%02d", 25 + i % 7), "2020-06-30"
	}
}' "$out/units.tsv" >"$out/posts.tsv"

echo "== 1,491 基层党组织, 3万多名党员"
pb-coverage --by unit_type --total "$out/units.tsv" | tee "$out/orgs.tsv" | cut -f1-8
echo "== 252 临时党支部 in the first weeks of 2020"
pb-coverage --by post --total --as-of 2020-02-29 --since 2020-01-24 "$out/posts.tsv" | tee "$out/temp.tsv" | cut -f1,2,3,13
echo "== every district agency paired with at least one village or community"
pb-coverage --links "$out/links.tsv" --partners "$out/units.tsv" --partner-type village,community \
	"$out/agencies.tsv" | tee "$out/paired.tsv"
echo "== the unpaired agencies (none)"
pb-coverage --list uncovered --links "$out/links.tsv" --partners "$out/units.tsv" \
	--partner-type village,community "$out/agencies.tsv" | tee "$out/unpaired.tsv" | cut -f1,2
echo "== 232 党群服务中心 open, 326 training sessions, 16,004 trained"
pb-coverage --status center_open --covered 1 --sum sessions,trained "$out/units.tsv" |
	tee "$out/services.tsv"
