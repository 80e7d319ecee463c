#!/bin/sh
# 佛山重点项目 (南方日报, 2022-08-04): a made-up register of the city's 437 key projects, as
# of mid-July 2022, unit by unit, that gives the published figures:
#   佛山437个市、区重点项目均已全覆盖建立临时党支部 -> units 437, single 437, org_rate 1
#   全市重点建设项目共完成投资813.46亿元，为年度计划投资的71.4%，超过时序进度17.23个百分点
#                                                 -> done 813.46 of 1139.3 (measure invested),
#                                                    progress 71.4%, ahead_pp 17.23
#   7月15日，南海大沥 … 下设十大重点项目临时党支部; 次日，三水云东海12个 … 临时党支部正式成立
#                                                 -> built_since 10 and 12
#   禅城区住建局成立了 … 等3个临时党支部           -> lead 禅城区住建局: single 3
# Usage: sh examples/coverage/projects.sh [DIR]
set -eu
cd "$(dirname "$0")/../.."
PATH="$PWD/bin:$PATH"
out=${1:-build/examples/projects}
mkdir -p "$out"

# projects.tsv: invested is what each project has completed this year, in 亿元; the 437
# amounts add up to 813.46 exactly
awk -f examples/coverage/apportion.awk -f - <<'AWK' >"$out/projects.tsv"
BEGIN {
	OFS = "\t"
	print "unit_id", "unit_name", "unit_type", "district", "town", "lead", "org_mode", "org_id", "org_kind", "established", "opened", "invested"
	nd = split("禅城区 南海区 顺德区 高明区 三水区", district, " ")
	split("禅城 南海 顺德 高明 三水", short, " ")
	split("青柯街雨水箱涵工程 汾江河西岸岸线提升项目 季华路污水管网工程", zj, " ")
	for (i = 1; i <= 437; i++)
		w[i] = 5 + (i * 37) % 41
	apportion(81346, 437, w, cents100)
	for (i = 1; i <= 437; i++) {
		d = district[(i - 1) % nd + 1]
		town = d == "南海区" ? "桂城街道" : d == "三水区" ? "西南街道" : d == "禅城区" ? "祖庙街道" : d == "顺德区" ? "大良街道" : "荷城街道"
		lead = d "重点项目局"
		name = sprintf("%s重点项目%03d", short[(i - 1) % nd + 1], i)
		est = sprintf("2022-%02d-%02d", 2 + i % 5, 1 + i % 28)
		if (i <= 10) {
			d = "南海区"; town = "大沥镇"; name = sprintf("大沥十大重点项目%02d", i); est = "2022-07-15"
		} else if (i <= 22) {
			d = "三水区"; town = "云东海街道"; name = sprintf("云东海省市重点项目%02d", i - 10); est = "2022-07-16"
		} else if (i <= 25) {
			d = "禅城区"; town = "祖庙街道"; lead = "禅城区住建局"; name = zj[i - 22]
		} else if (i == 26) {
			d = "禅城区"; town = "南庄镇"; name = "佛山地铁2号线TOD项目"
		}
		print sprintf("KP-%03d", i), name, "key_project", d, town, lead, "single", sprintf("KP-T%03d", i),
			"temp_branch", est, sprintf("2022-%02d-01", 1 + i % 6), cents(cents100[i])
	}
}
AWK
printf 'target\tperiod_start\tperiod_end\tmeasure\n1139.3\t2022-01-01\t2022-12-31\tinvested\n' >"$out/targets.tsv"

echo "== 437 projects, each with its temporary branch; 813.46亿元 = 71.4% of the plan, 17.23 points ahead"
pb-coverage --as-of 2022-07-16 --targets "$out/targets.tsv" --time-rate 6.5/12 --sum invested \
	"$out/projects.tsv" | tee "$out/plan.tsv" | cut -f1,2,6,9,12-
pb-coverage --by district --total --as-of 2022-07-16 --sum invested "$out/projects.tsv" |
	tee "$out/districts.tsv" | cut -f1-3,10,13
echo "== 15 and 16 July: 大沥's ten, 云东海's twelve"
pb-coverage --by district,town --as-of 2022-07-16 --since 2022-07-15 "$out/projects.tsv" |
	tee "$out/july.tsv" | awk -F'\t' 'NR == 1 || $14 > 0' | cut -f1-4,14
echo "== the temporary branches of 禅城区住建局"
pb-coverage --by lead "$out/projects.tsv" | tee "$out/leads.tsv" | awk -F'\t' 'NR == 1 || $1 ~ /住建局/' | cut -f1-4
