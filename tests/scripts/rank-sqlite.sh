#!/usr/bin/env bash
# Differential test: pb-rank's min, dense and ordinal ranks (and n) against
# sqlite3's RANK(), DENSE_RANK() and ROW_NUMBER() OVER (PARTITION BY … ORDER
# BY …) on thousands of random scores with many ties. Scores are integers or
# have one decimal, so both sides compare the same doubles.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

# 6000 entities in 7 groups (one of them large), integer scores 0..60 and one-decimal scores
awk 'BEGIN { srand(42); OFS = "\t"; print "entity_id", "grp", "score", "dec"
	for (i = 1; i <= 6000; i++) {
		g = int(rand() * 8); if (g > 6) g = 0
		printf "e%05d\tg%d\t%d\t%.1f\n", int(rand() * 1000000) * 10 + i % 10, g, int(rand() * 61), int(rand() * 400) / 10 - 5
	}
}' | awk -F'\t' '!seen[$1]++' >"$tmp/s.tsv"
rows=$(($(wc -l <"$tmp/s.tsv") - 1))

sqlite3 "$tmp/db" <<SQL
.mode tabs
.import $tmp/s.tsv s
SQL

# check NAME PB_ARGS SQL_EXPR: compares "id<TAB>rank<TAB>n" rows sorted by id
check() {
	local name=$1 args=$2 sql=$3
	# shellcheck disable=SC2086
	pb-rank --by grp $args "$tmp/s.tsv" >"$tmp/pb.out" 2>"$tmp/pb.err"
	local rc=$?
	awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ print $c["entity_id"] "\t" $c["rank"] "\t" $c["n"] }' "$tmp/pb.out" | LC_ALL=C sort >"$tmp/pb.txt"
	sqlite3 -separator $'\t' "$tmp/db" \
		"SELECT entity_id, $sql, COUNT(*) OVER (PARTITION BY grp) FROM s ORDER BY entity_id" |
		LC_ALL=C sort >"$tmp/sql.txt"
	if [ $rc -eq 0 ] && [ ! -s "$tmp/pb.err" ] && [ "$(wc -l <"$tmp/pb.txt")" -eq "$rows" ] &&
		diff "$tmp/sql.txt" "$tmp/pb.txt" >"$tmp/diff"; then
		ok "$name"
	else
		cat "$tmp/pb.err" >>"$tmp/diff"
		notok "$name" "$tmp/diff"
	fi
}

int='CAST(score AS INTEGER)'
dec='CAST(dec AS REAL)'
check "min (default) = RANK() desc, integer scores" "--score score" \
	"RANK() OVER (PARTITION BY grp ORDER BY $int DESC)"
check "dense = DENSE_RANK() desc, integer scores" "--score score --ties dense" \
	"DENSE_RANK() OVER (PARTITION BY grp ORDER BY $int DESC)"
check "ordinal = ROW_NUMBER() desc, ties by id" "--score score --ties ordinal" \
	"ROW_NUMBER() OVER (PARTITION BY grp ORDER BY $int DESC, entity_id)"
check "min asc = RANK() asc" "--score score --order asc" \
	"RANK() OVER (PARTITION BY grp ORDER BY $int ASC)"
check "dense asc = DENSE_RANK() asc" "--score score --order asc --ties dense" \
	"DENSE_RANK() OVER (PARTITION BY grp ORDER BY $int ASC)"
check "min = RANK(), one-decimal scores with negatives" "--score dec" \
	"RANK() OVER (PARTITION BY grp ORDER BY $dec DESC)"
check "dense = DENSE_RANK(), one-decimal scores" "--score dec --ties dense" \
	"DENSE_RANK() OVER (PARTITION BY grp ORDER BY $dec DESC)"
check "sum of two indicators = RANK() of their sum" "--score score,dec --weight score=10,dec=10" \
	"RANK() OVER (PARTITION BY grp ORDER BY 10 * $int + 10 * $dec DESC)"

# long form: judges' mean (integer scores, so both sides divide the same exact sum)
awk 'BEGIN { srand(7); OFS = "\t"; print "entity_id", "grp", "indicator", "judge", "score"
	for (i = 1; i <= 1500; i++)
		for (j = 1; j <= 5; j++)
			print sprintf("u%04d", i), "g" (i % 4), "q", "j" j, int(rand() * 11)
}' >"$tmp/l.tsv"
sqlite3 "$tmp/db" <<SQL
.mode tabs
.import $tmp/l.tsv l
SQL
pb-rank --by grp "$tmp/l.tsv" 2>"$tmp/pb.err" |
	awk -F'\t' 'NR > 1 { print $1 "\t" $5 "\t" $6 }' | LC_ALL=C sort >"$tmp/pb.txt"
sqlite3 -separator $'\t' "$tmp/db" "SELECT entity_id, RANK() OVER (PARTITION BY grp ORDER BY m DESC), COUNT(*) OVER (PARTITION BY grp)
	FROM (SELECT entity_id, grp, AVG(CAST(score AS INTEGER)) AS m FROM l GROUP BY entity_id, grp)" | LC_ALL=C sort >"$tmp/sql.txt"
if [ ! -s "$tmp/pb.err" ] && [ "$(wc -l <"$tmp/pb.txt")" -eq 1500 ] && diff "$tmp/sql.txt" "$tmp/pb.txt" >"$tmp/diff"; then
	ok "long form: judges' mean ranked = RANK() over AVG()"
else
	notok "long form: judges' mean ranked = RANK() over AVG()" "$tmp/diff"
fi

# pct = (n - min rank + 1) / n whatever --ties says
pb-rank --by grp --score score --ties ordinal "$tmp/s.tsv" |
	awk -F'\t' 'NR > 1 { printf "%s\t%.17g\n", $1, $6 }' | LC_ALL=C sort >"$tmp/pb.txt"
# sqlite gives the integers; the one division is done in awk (sqlite's printf keeps 15-16 digits)
sqlite3 -separator $'\t' "$tmp/db" "SELECT entity_id, COUNT(*) OVER p - RANK() OVER w + 1, COUNT(*) OVER p
	FROM s WINDOW p AS (PARTITION BY grp), w AS (PARTITION BY grp ORDER BY $int DESC)" |
	awk -F'\t' '{ printf "%s\t%.17g\n", $1, $2 / $3 }' | LC_ALL=C sort >"$tmp/sql.txt"
if diff "$tmp/sql.txt" "$tmp/pb.txt" >"$tmp/diff"; then
	ok "pct uses the min rank with --ties ordinal"
else
	notok "pct uses the min rank with --ties ordinal" "$tmp/diff"
fi
# --top 10 and --bottom 7%: RANK() <= N read from each end (ties at the boundary included),
# P% = ceil(P% × n); --top wins where both apply
pb-rank --by grp --score score --top 10 --bottom 7% "$tmp/s.tsv" |
	awk -F'\t' 'NR > 1 { print $1 "\t" $7 }' | LC_ALL=C sort >"$tmp/pb.txt"
sqlite3 -separator $'\t' "$tmp/db" "SELECT entity_id, CASE WHEN RANK() OVER d <= 10 THEN '示范'
	WHEN RANK() OVER a <= (7 * COUNT(*) OVER p + 99) / 100 THEN '整顿' ELSE '' END
	FROM s WINDOW p AS (PARTITION BY grp), d AS (PARTITION BY grp ORDER BY $int DESC),
	a AS (PARTITION BY grp ORDER BY $int ASC)" | LC_ALL=C sort >"$tmp/sql.txt"
if [ "$(grep -c '整顿' "$tmp/pb.txt")" -gt 0 ] && diff "$tmp/sql.txt" "$tmp/pb.txt" >"$tmp/diff"; then
	ok "--top N / --bottom P% = RANK() <= N from either end"
else
	notok "--top N / --bottom P% = RANK() <= N from either end" "$tmp/diff"
fi
echo "1..$tap_n"
