#!/usr/bin/env bash
# pb-import on a generated million-row register (Chinese CSV, GB18030 too),
# next to Miller, sqlite3 and mawk doing the nearest equivalent conversion.
set -eu
PATH="$(cd "$(dirname "$0")/.." && pwd)/bin:$PATH"
rows=${ROWS:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mawk -v n="$rows" 'BEGIN { srand(1)
	print "单位名称,区,镇街,村居,组建方式,党组织名称,党员人数,成立时间"
	split("禅城区 南海区 顺德区 高明区 三水区", d, " ")
	m[0] = "单建"; m[1] = "联建"; m[2] = "工作覆盖"; m[3] = "空白"
	for (i = 0; i < n; i++) { k = int(rand() * 4)
		org = k == 0 ? "单位" i "党支部" : (k == 1 ? "联合党支部" int(i / 5) : "")
		printf "单位%d小区,%s,镇%d,村%d,%s,%s,%d,2022-%d-%d\n", i, d[1 + int(rand() * 5)],
			int(rand() * 50), int(rand() * 500), m[k], org, int(rand() * 10), 1 + int(rand() * 12), 1 + int(rand() * 28) } }' >"$tmp/r.csv"
iconv -f UTF-8 -t GB18030 "$tmp/r.csv" >"$tmp/gb.csv"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
pb=$(t pb-import --as-of 2026-01-01 "$tmp/r.csv")
pbgb=$(t pb-import --as-of 2026-01-01 "$tmp/gb.csv")
printf '%-44s %7.2f s  %9.0f rows/s\n' "pb-import (UTF-8, full validation)" "$pb" "$(echo "$rows / $pb" | bc -l)"
printf '%-44s %7.2f s  %9.0f rows/s\n' "pb-import (GB18030, full validation)" "$pbgb" "$(echo "$rows / $pbgb" | bc -l)"
cmp_to() { printf '%-44s %7.2f s  time ratio to pb-import %.2f (above 1: pb-import is faster)\n' "$1" "$2" "$(echo "$2 / $pb" | bc -l)"; }
command -v mlr >/dev/null && cmp_to "mlr --icsv --otsv cat (conversion only)" "$(t mlr --icsv --otsv cat "$tmp/r.csv")"
cmp_to "sqlite3 .import --csv (conversion only)" "$(t sqlite3 :memory: ".import --csv $tmp/r.csv t" "select count(*) from t")"
cmp_to "mawk -F, (split on commas, no quoting)" "$(t mawk -F, -v OFS='\t' '{ $1 = $1; print }' "$tmp/r.csv")"
