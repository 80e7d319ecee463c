#!/usr/bin/env bash
# The seed reports' figures, each stated here, from the example registers of
# examples/coverage/*.sh (made up unit by unit) and the pb-coverage commands those scripts
# run. Each script writes its registers and its answers into a folder; the checks read the
# answers by group and column.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

# the value of column $3 in the row whose first column is $2, in the table $1
cell() {
	awk -F'\t' -v g="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == g { print (c in col) ? $col[c] : "no column " c; exit }' "$1"
}
is() { # $1 = figure, $2 = got, $3 = want
	if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "got '$2', want '$3'"; fi
}
# the value of column $4 in the row whose first two columns are $2 and $3, in the table $1
cell2() {
	awk -F'\t' -v g="$2" -v h="$3" -v c="$4" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == g && $2 == h { print (c in col) ? $col[c] : "no column " c; exit }' "$1"
}
# pb writes full precision; a reader sees a rate to one decimal (no figure here is a tie)
pct() { awk -v v="$1" 'BEGIN { printf "%.1f%%", v * 100 }'; }

for ex in chaonan shanwei shunde huijingcheng chancheng projects; do
	if ! sh "examples/coverage/$ex.sh" "$tmp/$ex" >"$tmp/$ex.out" 2>&1; then
		notok "examples/coverage/$ex.sh runs" "$tmp/$ex.out"
	fi
done

bad=$(for f in "$tmp"/*/*.tsv; do iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || echo "${f#"$tmp"/}"; done)
is "every register and answer is valid UTF-8" "$bad" ""

d=$tmp/chaonan
is "潮南: 1,491 基层党组织" "$(cell "$d/orgs.tsv" 合计 orgs)" 1491
m=$(cell "$d/orgs.tsv" 合计 members)
is "潮南: 3万多名党员 ($m)" "$([ "$m" -ge 30000 ] && [ "$m" -lt 40000 ] && echo yes)" yes
is "潮南: 252 临时党支部" "$(cell "$d/temp.tsv" 合计 built_since)" 252
is "潮南: 10 个交通路口" "$(cell "$d/temp.tsv" 交通路口 built_since)" 10
is "潮南: 11 个医学集中观察点" "$(cell "$d/temp.tsv" 医学集中观察点 built_since)" 11
is "潮南: every district agency paired with a village or community (56 of 56)" \
	"$(tail -1 "$d/paired.tsv")" "$(printf '56\t56\t1')"
is "潮南: the list of the unpaired is empty" "$(($(wc -l <"$d/unpaired.tsv") - 1))" 0
# one pairing taken away: that agency is listed
grep -v -P '^CN-A05\t' "$d/links.tsv" >"$tmp/links.tsv"
is "潮南: without its pairing, 区人力资源和社会保障局 is listed as unpaired" \
	"$(pb-coverage --list uncovered --links "$tmp/links.tsv" --partners "$d/units.tsv" --partner-type village,community "$d/agencies.tsv" | tail -n +2 | cut -f2)" \
	区人力资源和社会保障局
is "潮南: 232 党群服务中心" "$(tail -1 "$d/services.tsv" | cut -f2)" 232
is "潮南: 326 场次 training, 16,004 人次 trained" \
	"$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["sessions_sum"], $c["trained_sum"] }' "$d/services.tsv")" "326 16004"

d=$tmp/shanwei
is "汕尾城区: 99 村(社区) all signed 党建共建协议" "$(tail -1 "$d/agreements.tsv" | cut -f1-3)" "$(printf '99\t99\t1')"
is "汕尾城区: the list of the unsigned is empty" "$(($(wc -l <"$d/unsigned.tsv") - 1))" 0
is "汕尾城区: 1506 机关党员, 336 镇街干部, 615 两委干部, 2456 基层干部" \
	"$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["agency_members_sum"], $c["town_cadres_sum"], $c["committee_cadres_sum"], $c["grassroots_cadres_sum"] }' "$d/agreements.tsv")" \
	"1506 336 615 2456"
is "汕尾城区: 6368 条意见建议, 6416 件民生实事" \
	"$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i } NR == 2 { print $c["suggestions_sum"], $c["solved_sum"] }' "$d/agreements.tsv")" "6368 6416"
is "汕尾城区: 10 家党员先锋店" "$(cell "$d/liangxin-summary.tsv" 合计 covered)" 10
is "汕尾城区: 30 名两新党建指导员 (distinct)" "$(cell "$d/liangxin-summary.tsv" 合计 instructor_distinct)" 30

d=$tmp/shunde
is "顺德: 30 个五星活力支部" "$(cell "$d/stars.tsv" 顺德区 stars=5)" 30
is "顺德: 50% 达到四星及以上" "$(pct "$(cell "$d/stars.tsv" 顺德区 covered_rate)")" 50.0%

d=$tmp/huijingcheng
is "惠景城: 九个党支部 in one compound" "$(cell "$d/branches.tsv" 惠景社区 orgs)" 9
r=$(cell "$d/owners.tsv" 惠景城 covered_rate)
is "惠景城: 超82%的业主完成认证 ($(pct "$r"))" "$(awk -v r="$r" 'BEGIN { print (r > 0.82) }')" 1

d=$tmp/chancheng
is "禅城: 41 小区党支部 by 16 June, target 80" "$(cut -f3,13,14 "$d/progress.tsv" | tail -1)" "$(printf '41\t80\t41')"
is "禅城: 51.25% of the year's target, 5.5 points ahead of the calendar" \
	"$(awk -F'\t' 'NR == 2 { printf "%.2f%% %+.1f", $15 * 100, $17 }' "$d/progress.tsv")" "51.25% +5.5"
is "石湾: 10 个小区党支部 in May" "$(cell "$d/may.tsv" 石湾镇街道 built_since)" 10
is "南庄: 5 个支部 on 12 June" "$(cell "$d/june12.tsv" 南庄镇 built_since)" 5
is "南庄: the five by name" "$(tail -n +2 "$d/june12-list.tsv" | cut -f2 | paste -sd' ')" \
	"龙光·水悦龙湾 万科又一城 万科城 保利翠雅花园 融创湖滨世家"
is "祖庙: 10 个试点社区" "$(cell "$d/pilots.tsv" 祖庙街道 covered)" 10

d=$tmp/projects
is "佛山: 437 重点项目, every one with its 临时党支部" "$(tail -1 "$d/districts.tsv" | cut -f2,3,10)" "$(printf '437\t437\t1')"
plan() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i } NR == 2 { print $k[c] }' "$d/plan.tsv"; }
is "佛山: 完成投资 813.46 亿元" "$(plan done)" 813.46
is "佛山: 为年度计划投资的 71.4%" "$(pct "$(plan progress_rate)")" 71.4%
is "佛山: 超过时序进度 17.23 个百分点" "$(awk -v v="$(plan ahead_pp)" 'BEGIN { printf "%.2f", v }')" 17.23
is "大沥: 10 个重点项目临时党支部 on 15 July" "$(cell2 "$d/july.tsv" 南海区 大沥镇 built_since)" 10
is "云东海: 12 个临时党支部 the next day" "$(cell2 "$d/july.tsv" 三水区 云东海街道 built_since)" 12
is "禅城区住建局: 3 个临时党支部" "$(cell "$d/leads.tsv" 禅城区住建局 single)" 3
echo "1..$tap_n"
