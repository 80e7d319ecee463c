#!/usr/bin/env bash
# With --by an entity is (group values, id): ids repeat across groups here (unique
# within one), and pb-rank must rank each (group, id) on its own — checked against
# sqlite3's window functions — and --prev / --history must match on group and id.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

# 5 groups × 800 ids (i0000..i0799, the same ids in every group), integer scores with ties
awk 'BEGIN { srand(42); OFS = "\t"; print "g", "id", "score"
	for (g = 1; g <= 5; g++)
		for (i = 0; i < 800; i++)
			if (rand() < 0.9) printf "G%d\ti%04d\t%d\n", g, i, int(rand() * 50)
}' >"$tmp/w.tsv"
rows=$(($(wc -l <"$tmp/w.tsv") - 1))
sqlite3 "$tmp/db" <<SQL
.mode tabs
.import $tmp/w.tsv w
SQL

cmp_sql() { # NAME PB_OUT SQL: compares "g<TAB>id<TAB>rank<TAB>n" sorted
	: >"$tmp/diff"
	awk -F'\t' 'NR > 1 { print $2 "\t" $1 "\t" $4 "\t" $5 }' "$2" | LC_ALL=C sort >"$tmp/pb.txt"
	sqlite3 -separator $'\t' "$tmp/db" "$3" | LC_ALL=C sort >"$tmp/sql.txt"
	if [ "$(wc -l <"$tmp/pb.txt")" -eq "$rows" ] && diff "$tmp/sql.txt" "$tmp/pb.txt" >"$tmp/diff"; then
		ok "$1"
	else
		notok "$1" "$tmp/diff"
	fi
}

pb-rank --by g --id id "$tmp/w.tsv" >"$tmp/min.out" 2>"$tmp/err"
if [ $? -eq 0 ] && [ ! -s "$tmp/err" ]; then ok "the same ids in five groups: no duplicate reported"; else notok "the same ids in five groups: no duplicate reported" "$tmp/err"; fi
cmp_sql "min = RANK() OVER (PARTITION BY g)" "$tmp/min.out" \
	"SELECT g, id, RANK() OVER (PARTITION BY g ORDER BY CAST(score AS INTEGER) DESC), COUNT(*) OVER (PARTITION BY g) FROM w"
pb-rank --by g --id id --ties ordinal "$tmp/w.tsv" >"$tmp/ord.out" 2>/dev/null
cmp_sql "ordinal = ROW_NUMBER() OVER (PARTITION BY g ORDER BY score DESC, id)" "$tmp/ord.out" \
	"SELECT g, id, ROW_NUMBER() OVER (PARTITION BY g ORDER BY CAST(score AS INTEGER) DESC, id), COUNT(*) OVER (PARTITION BY g) FROM w"

# --prev with the output itself: every entity finds its own row, so prev_rank = rank
pb-rank --by g --id id --prev "$tmp/min.out" "$tmp/w.tsv" >"$tmp/prev.out" 2>"$tmp/err"
bad=$(awk -F'\t' 'NR > 1 && ($7 != $4 || $8 != 0)' "$tmp/prev.out" | wc -l)
if [ ! -s "$tmp/err" ] && [ "$bad" -eq 0 ] && [ "$(($(wc -l <"$tmp/prev.out") - 1))" -eq "$rows" ]; then
	ok "--prev of its own output: prev_rank = rank for every (group, id)"
else
	notok "--prev of its own output: prev_rank = rank for every (group, id)" "$tmp/err"
fi

# --history of the same ranks in two earlier periods: rank 1 now => streak 3, else 0
awk -F'\t' -v OFS='\t' 'NR == 1 { print $0, "period"; next } { print $0, "P1"; print $0, "P2" }' \
	"$tmp/min.out" >"$tmp/hist.tsv"
pb-rank --by g --id id --history "$tmp/hist.tsv" --period P3 "$tmp/w.tsv" >"$tmp/h.out" 2>"$tmp/err"
bad=$(awk -F'\t' 'NR > 1 && $7 != ($4 == 1 ? 3 : 0)' "$tmp/h.out" | wc -l)
if [ ! -s "$tmp/err" ] && [ "$bad" -eq 0 ]; then
	ok "--history with the group columns: streak per (group, id)"
else
	notok "--history with the group columns: streak per (group, id)" "$tmp/err"
fi

# long form, the same ids in four groups, five judges: mean per (group, id)
awk 'BEGIN { srand(7); OFS = "\t"; print "entity_id", "grp", "indicator", "judge", "score"
	for (g = 0; g < 4; g++)
		for (i = 1; i <= 300; i++)
			for (j = 1; j <= 5; j++)
				print sprintf("u%04d", i), "g" g, "q", "j" j, int(rand() * 11)
}' >"$tmp/l.tsv"
sqlite3 "$tmp/db" <<SQL
.mode tabs
.import $tmp/l.tsv l
SQL
: >"$tmp/diff"
pb-rank --by grp "$tmp/l.tsv" 2>"$tmp/err" |
	awk -F'\t' 'NR > 1 { print $2 "\t" $1 "\t" $5 "\t" $6 }' | LC_ALL=C sort >"$tmp/pb.txt"
sqlite3 -separator $'\t' "$tmp/db" "SELECT grp, entity_id, RANK() OVER (PARTITION BY grp ORDER BY m DESC), COUNT(*) OVER (PARTITION BY grp)
	FROM (SELECT entity_id, grp, AVG(CAST(score AS INTEGER)) AS m FROM l GROUP BY entity_id, grp)" | LC_ALL=C sort >"$tmp/sql.txt"
if [ ! -s "$tmp/err" ] && [ "$(wc -l <"$tmp/pb.txt")" -eq 1200 ] && diff "$tmp/sql.txt" "$tmp/pb.txt" >"$tmp/diff"; then
	ok "long form: judges' mean ranked per (group, id) = RANK() of AVG GROUP BY id, grp"
else
	cat "$tmp/err" >>"$tmp/diff"
	notok "long form: judges' mean ranked per (group, id) = RANK() of AVG GROUP BY id, grp" "$tmp/diff"
fi
