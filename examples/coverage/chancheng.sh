#!/bin/sh
# 佛山禅城 (南方日报, "支部建在小区"): a made-up register of 禅城's 96 residential compounds
# (as of 4 August 2022) and of its communities, unit by unit, that gives the published
# figures:
#   力争年内全区建成80个小区党支部; 截至6月16日，禅城区已成立41个小区党支部
#                                                 -> single 41, target 80, ahead_pp 5.5
#   石湾镇街道党工委在今年5月成立了首批10个居民物业小区党支部
#                                                 -> 石湾镇街道 built_since 10 (May)
#   6月12日，南庄镇 … 五个小区党支部同时成立      -> 南庄镇 built_since 5, and their list
#   祖庙街道 … 以南浦社区等10个社区为试点         -> 祖庙街道 covered 10
# Usage: sh examples/coverage/chancheng.sh [DIR]
set -eu
cd "$(dirname "$0")/../.."
PATH="$PWD/bin:$PATH"
out=${1:-build/examples/chancheng}
mkdir -p "$out"

# compounds.tsv: per town, the branches set up before 16 June, after it (by 4 August),
# and the compounds still without one (some with an instructor)
awk 'BEGIN {
	OFS = "\t"
	print "unit_id", "unit_name", "unit_type", "district", "town", "org_mode", "org_id", "org_name", "members", "instructor", "established"
	split("龙光·水悦龙湾 万科又一城 万科城 保利翠雅花园 融创湖滨世家", nanzhuang, " ")
	# town, compounds, branches before 16 June, branches after
	add("祖庙街道", "祖庙", 40, 16, 6)
	add("石湾镇街道", "石湾", 26, 10, 3)
	add("张槎街道", "张槎", 14, 10, 0)
	add("南庄镇", "南庄", 16, 5, 2)
}
function add(town, short, n, before, after,    i, name, id, est) {
	for (i = 1; i <= n; i++) {
		id = sprintf("CC-%03d", ++seq)
		name = town == "南庄镇" && i <= 5 ? nanzhuang[i] : town == "祖庙街道" && i == 1 ? "南浦新村" : sprintf("%s小区%02d", short, i)
		if (town == "南庄镇")
			est = "2022-06-12"
		else if (town == "石湾镇街道")
			est = sprintf("2022-05-%02d", 6 + 2 * i)
		else
			est = sprintf("2022-%02d-%02d", 1 + i % 4, 1 + (i * 3) % 28)
		if (i > before)
			est = i <= before + after ? sprintf("2022-07-%02d", 1 + i) : ""
		if (est != "")
			print id, name, "residential", "禅城区", town, "single", "O" id, name "小区党支部", 3 + i % 7, "", est
		else
			print id, name, "residential", "禅城区", town, (i % 2 ? "work" : "none"), "", "", i % 4, (i % 2 ? "指导员" i : ""), ""
	}
}' >"$out/compounds.tsv"

# communities.tsv: 祖庙's 26 communities, ten of them the pilots of 社区党委+小区党支部+党员楼长,
# and 南庄's five
awk 'BEGIN {
	OFS = "\t"
	print "unit_id", "unit_name", "unit_type", "district", "town", "org_mode", "org_id", "pilot"
	n = split("南浦社区 塔坡社区 升平社区 祖庙社区 莲花社区 福宁社区 朝安社区 普君社区 兆祥社区 东华里社区", pilot, " ")
	for (i = 1; i <= 26; i++)
		print sprintf("ZM-%02d", i), (i <= n ? pilot[i] : sprintf("祖庙社区%02d", i)), "community", "禅城区", "祖庙街道",
			"single", sprintf("ZM-O%02d", i), (i <= 10 ? 1 : 0)
	split("吉利社区 南庄社区 人和社区 河畔社区 绿岛社区", nz, " ")
	for (i = 1; i <= 5; i++)
		print sprintf("NZ-%02d", i), nz[i], "community", "禅城区", "南庄镇", "single", sprintf("NZ-O%02d", i), 0
}' >"$out/communities.tsv"
printf 'district\ttarget\tperiod_start\tperiod_end\n禅城区\t80\t2022-01-01\t2022-12-31\n' >"$out/targets.tsv"

echo "== 41 compound branches on 16 June, against 80 for the year"
pb-coverage --by district --as-of 2022-06-16 --targets "$out/targets.tsv" "$out/compounds.tsv" |
	tee "$out/progress.tsv" | cut -f1-4,13-
echo "== 石湾: 10 in May"
pb-coverage --by town --as-of 2022-05-31 --since 2022-05-01 "$out/compounds.tsv" | tee "$out/may.tsv" | cut -f1-3,13
echo "== 南庄: five on 12 June"
pb-coverage --by town --as-of 2022-06-12 --since 2022-06-12 "$out/compounds.tsv" | tee "$out/june12.tsv" | cut -f1-3,13
pb-coverage --list built_since --as-of 2022-06-12 --since 2022-06-12 "$out/compounds.tsv" |
	tee "$out/june12-list.tsv" | cut -f2,5,11
echo "== 祖庙: ten pilot communities"
pb-coverage --by town --status pilot --covered 1 "$out/communities.tsv" | tee "$out/pilots.tsv"
