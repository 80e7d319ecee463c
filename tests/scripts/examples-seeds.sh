#!/usr/bin/env bash
# The examples reproduce the seed reports' figures: the demo pipeline runs, and
# the registers in examples/data give the published numbers.
set -u
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t=0
check() { t=$((t + 1)); if [ "$2" = "$3" ]; then echo "ok $t - $1"; else echo "not ok $t - $1: got '$2', want '$3'"; fi; }
d=$top/examples/data

sh examples/demo.sh >"$tmp/demo.out" 2>"$tmp/demo.err"
check "make demo's pipeline runs" "$?" 0
for f in 通报.html 通报.xlsx 通报.csv; do check "demo wrote $f" "$(test -s build/demo/$f && echo yes)" yes; done

pb-import -q --as-of 2022-08-04 "$d/foshan-units.csv" >"$tmp/fs.tsv" 2>/dev/null
pb-coverage --by unit_type "$tmp/fs.tsv" >"$tmp/fs-type.tsv"
row() { awk -F'\t' -v k="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } $1 == k { print $col[c] }' "$1"; }
check "佛山: 1,232 物业住宅小区" "$(row "$tmp/fs-type.tsv" residential units)" 1232
check "佛山: every compound covered" "$(row "$tmp/fs-type.tsv" residential org_rate)" 1
check "佛山: 437 重点项目" "$(row "$tmp/fs-type.tsv" key_project units)" 437
check "佛山: every project has its temporary branch" "$(row "$tmp/fs-type.tsv" key_project single)" 437
check "南海: 2,047 经济社" "$(row "$tmp/fs-type.tsv" econ_coop units)" 2047
check "南海: under 1,835 branches" "$(row "$tmp/fs-type.tsv" econ_coop orgs)" 1835
check "南海: all covered" "$(row "$tmp/fs-type.tsv" econ_coop org_rate)" 1

pb-import -q --kind targets "$d/foshan-targets.csv" >"$tmp/t.tsv" 2>/dev/null
pb-coverage --as-of 2022-06-16 --by district,unit_type --targets "$tmp/t.tsv" "$tmp/fs.tsv" |
	awk -F'\t' '$1 == "禅城区" && $2 == "residential"' >"$tmp/cc.tsv"
check "禅城: 41 compound branches by 16 June, target 80, 5.50 points ahead" \
	"$(cut -f3,14-18 "$tmp/cc.tsv" | awk -F'\t' -v OFS='\t' '{ $6 = sprintf("%.2f", $6); print }')" \
	"$(printf '96\t80\t41\t0.5125\t0.4575342465753425\t5.50')"

pb-import -q "$d/devzone-units.csv" >"$tmp/dz.tsv" 2>/dev/null
check "冠县经开区: 68 firms, 65 organizations, 466 members, 100%, 92.6%" \
	"$(pb-coverage "$tmp/dz.tsv" | tail -1 | cut -f1,6,7,9,10)" "$(printf '68\t65\t466\t1\t0.9264705882352942')"

pb-import -q --as-of 2024-12-31 "$d/liaocheng-units.csv" >"$tmp/lc.tsv" 2>/dev/null
pb-coverage --as-of 2023-12-31 --by unit_type "$tmp/lc.tsv" >"$tmp/2023.tsv"
pb-coverage --as-of 2024-12-31 --by unit_type --compare "$tmp/2023.tsv" "$tmp/lc.tsv" >"$tmp/2024.tsv"
pp() { printf '%.2f' "$(row "$@")"; }
check "聊城: 非公企业 单独组建率 +14 points" "$(pp "$tmp/2024.tsv" enterprise single_rate_delta_pp)" 14.00
check "聊城: 社会组织 单独组建率 +15 points" "$(pp "$tmp/2024.tsv" social_org single_rate_delta_pp)" 15.00

r=$top/examples/rank
check "高明: 连续6个季度排名第一" \
	"$(pb-rank --id district --history "$r/history.tsv" --period 2021Q4 "$r/quarter.tsv" | awk -F'\t' '$1 == "高明" { print $3, $6 }')" "1 6"
check "述职评议: trimmed means, 并列第一" \
	"$(pb-rank --judge-agg trim:1 "$r/panel.tsv" | awk -F'\t' '$5 == 1 { printf "%s:%s ", $1, $4 }')" "V01:91.2 V02:91.2 "
check "活力指数: 33 weighted items and star ratings" \
	"$(pb-rank --weights "$r/weights.tsv" --stars 90,80,70,60 "$r/items.tsv" | head -1 | tr '\t' '\n' | grep -c -x -e stars -e score)" 2
