#!/bin/sh
# bench-coverage: times pb-coverage --by district,unit_type on a generated register of
# two million units against a mawk program that computes the same table (and GNU datamash,
# if installed, computing the per-mode counts it can). Prints rows/s and the ratios.
# Not run by `make check`. Usage: scripts/bench-coverage.sh [ROWS]   (default 2000000)
set -eu
rows=${1:-2000000}
top=$(cd "$(dirname "$0")/.." && pwd)
pbcov=$top/bin/pb-coverage
[ -x "$pbcov" ] || { echo "bench-coverage: build first (make)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export LC_ALL=C

echo "generating $rows units (awk, seed 42) ..."
awk -v n="$rows" 'BEGIN {
	srand(42); OFS = "\t"
	nd = split("禅城区 南海区 顺德区 高明区 三水区 越秀区 天河区 海珠区 白云区 番禺区", d, " ")
	nt = split("village_group econ_coop village community residential key_project enterprise social_org agency building park market other", t, " ")
	print "unit_id", "unit_name", "unit_type", "city", "district", "town", "org_mode", "org_id", "members", "instructor"
	for (i = 1; i <= n; i++) {
		r = rand()
		mode = r < 0.35 ? "single" : r < 0.60 ? "joint" : r < 0.80 ? "work" : "none"
		org = mode == "single" ? "s" i : mode == "joint" ? "j" int(rand() * 20000) : ""
		print "u" i, "单位" i, t[1 + int(rand() * nt)], "佛山市", d[1 + int(rand() * nd)], "镇" int(rand() * 50),
			mode, org, (rand() < 0.1 ? "" : int(rand() * 9)), (rand() < 0.5 ? "指导员" : "")
	}
}' >"$tmp/units.tsv"
ls -l "$tmp/units.tsv" | awk '{ printf "register: %.0f MB\n", $5 / 1048576 }'

# seconds (with fractions) a command takes; its output goes to $2
timeit() {
	start=$(date +%s.%N)
	sh -c "$1" >"$2"
	end=$(date +%s.%N)
	echo "$end - $start" | bc -l
}

t_pb=$(timeit "'$pbcov' --by district,unit_type '$tmp/units.tsv'" "$tmp/pb.tsv")

cat >"$tmp/cov.awk" <<'AWK'
# the same table as pb-coverage --by district,unit_type (rows in byte order via sort)
BEGIN { FS = OFS = "\t" }
NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
{
	g = $(c["district"]) "\t" $(c["unit_type"]); m = $(c["org_mode"]); mem = $(c["members"])
	units[g]++; cnt[g, m]++
	if (mem != "") { members[g] += mem; if (mem >= 3 && m != "single") sb[g]++ }
	if (m == "joint" && !((g, $(c["org_id"])) in seen)) { seen[g, $(c["org_id"])] = 1; jo[g]++ }
}
END {
	for (g in units) {
		u = units[g]; s = cnt[g, "single"] + 0; j = cnt[g, "joint"] + 0; w = cnt[g, "work"] + 0
		printf "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.6f\t%.6f\t%.6f\n", g, u, s, j, w,
			cnt[g, "none"] + 0, s + jo[g], members[g] + 0, sb[g] + 0, (s + j) / u, s / u, (s + j + w) / u | "sort"
	}
}
AWK
if command -v mawk >/dev/null 2>&1; then awk=mawk; else awk=awk; fi
t_awk=$(timeit "$awk -f '$tmp/cov.awk' '$tmp/units.tsv'" "$tmp/awk.tsv")
if tail -n +2 "$tmp/pb.tsv" | cmp -s - "$tmp/awk.tsv"; then same="same table"; else same="TABLES DIFFER"; fi

rate() { echo "$rows / $1" | bc -l | awk '{ printf "%.0f", $1 }'; }
printf '%-34s %8.2f s %12s rows/s\n' "pb-coverage --by district,unit_type" "$t_pb" "$(rate "$t_pb")"
printf '%-34s %8.2f s %12s rows/s   (%s)\n' "$awk program" "$t_awk" "$(rate "$t_awk")" "$same"
printf 'ratio %s / pb-coverage: %.2f\n' "$awk" "$(echo "$t_awk / $t_pb" | bc -l)"
if command -v datamash >/dev/null 2>&1; then
	# datamash has no distinct-per-group-of-a-subset nor conditional sums: it gives
	# units per district, unit_type, org_mode (the heart of the table), on sorted input.
	t_dm=$(timeit "datamash -H -s -g 5,3,7 count 1 <'$tmp/units.tsv'" "$tmp/dm.tsv")
	printf '%-34s %8.2f s %12s rows/s   (counts per org_mode only; sorts)\n' "datamash -s -g ... count" "$t_dm" "$(rate "$t_dm")"
	printf 'ratio datamash / pb-coverage: %.2f\n' "$(echo "$t_dm / $t_pb" | bc -l)"
fi
