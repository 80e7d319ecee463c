#!/usr/bin/env bash
# Properties of the unit lists on random registers (awk, fixed seeds):
# - counting a --list COLUMN output again, with the same options, gives that column's
#   count in every group (and every listed unit counts in it): for org_mode's columns
#   with --as-of, --since and --min-members, for --status and for --links;
# - --changes on (old, new) and the counts of its change values reproduce the difference
#   of the two summaries, per district and org_mode.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

register() { # $1 = seed, $2 = units
	awk -v seed="$1" -v n="$2" -v links="$tmp/links.body" 'BEGIN {
	srand(seed); OFS = "\t"
	nd = split("禅城区 南海区 顺德区 高明区 三水区", d, " ")
	print "unit_id", "district", "org_mode", "org_id", "members", "instructor", "established", "dissolved", "opened", "closed", "signed"
	for (i = 1; i <= n; i++) {
		r = rand()
		mode = r < 0.35 ? "single" : r < 0.60 ? "joint" : r < 0.80 ? "work" : "none"
		org = mode == "single" ? "s" i : mode == "joint" ? "j" int(rand() * 40) : ""
		print "u" i, d[1 + int(rand() * nd)], mode, org, (rand() < 0.15 ? "" : int(rand() * 8)),
			(rand() < 0.5 ? "i" i : ""), date(0.2), date(0.8), date(0.3), date(0.8), (rand() < 0.1 ? "" : int(rand() * 2))
	}
	for (i = 1; i <= n / 2; i++)
		print "u" (1 + int(rand() * n)), "u" (1 + int(rand() * n)) >links
}
function date(pempty) {
	if (rand() < pempty)
		return ""
	return sprintf("%04d-%02d-%02d", 2021 + int(rand() * 2), 1 + int(rand() * 12), 1 + int(rand() * 28))
}'
}

# the value of column $3 in the row of group $2 of table $1 (0 when the group is absent)
cell() {
	awk -F'\t' -v g="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == g { v = $col[c] } END { print v == "" ? 0 : v }' "$1"
}

check_list() { # $1 = description, $2 = column, $3 = the column counted again, rest = options
	local what=$1 column=$2 again=$3 bad="" d want got units
	shift 3
	pb-coverage --by district "$@" "$tmp/units.tsv" >"$tmp/sum.tsv" 2>/dev/null
	pb-coverage --list "$column" "$@" "$tmp/units.tsv" >"$tmp/list.tsv" 2>/dev/null
	pb-coverage --by district "$@" "$tmp/list.tsv" >"$tmp/again.tsv" 2>/dev/null
	for d in 禅城区 南海区 顺德区 高明区 三水区; do
		if [ "$column" = uncovered ]; then
			want=$(($(cell "$tmp/sum.tsv" "$d" units) - $(cell "$tmp/sum.tsv" "$d" covered)))
		else
			want=$(cell "$tmp/sum.tsv" "$d" "$column")
		fi
		got=$(cell "$tmp/again.tsv" "$d" "$again") units=$(cell "$tmp/again.tsv" "$d" units)
		[ "$column" = uncovered ] && got=$((units - got))
		[ "$got" = "$want" ] && [ "$units" = "$want" ] || bad="$bad $d: want $want, listed $units, counted again $got;"
	done
	if [ -z "$bad" ] && [ "$(wc -l <"$tmp/list.tsv")" -gt 1 ]; then
		ok "$what: --list $column counted again gives the column ($(($(wc -l <"$tmp/list.tsv") - 1)) units)"
	else
		notok "$what: --list $column counted again gives the column" "$bad"
	fi
}

register 11 4000 >"$tmp/units.tsv"
{ printf 'from_id\tto_id\n'; cat "$tmp/links.body"; } >"$tmp/links.tsv"
org=(--as-of 2022-06-30 --since 2022-01-01 --min-members 2)
for column in single joint work none should_build built_since; do
	check_list "org_mode" "$column" "$column" "${org[@]}"
done
for column in covered uncovered; do
	check_list "--status" "$column" covered --status signed --covered 1 --as-of 2022-06-30
	check_list "--links" "$column" covered --links "$tmp/links.tsv" --min-links 2
done

# --changes: a new register from the old one, some units gone, some new, some changed
for seed in 21 22 23; do
	register "$seed" 3000 >"$tmp/old.tsv"
	awk -v seed="$seed" 'BEGIN { srand(seed * 7); OFS = FS = "\t"; split("single joint work none", m, " ") }
		NR == 1 { print; next }
		{ r = rand() }
		r < 0.1 { next }                             # removed
		r < 0.35 { $3 = m[1 + int(rand() * 4)]; $4 = $3 == "single" ? "s" $1 : $3 == "joint" ? "j1" : "" }
		{ print }
		END { for (i = 1; i <= 300; i++) print "n" i, "禅城区", m[1 + int(rand() * 4)], "", "", "", "", "", "", "", "" }' \
		"$tmp/old.tsv" >"$tmp/new.tsv"
	pb-coverage --changes "$tmp/old.tsv" "$tmp/new.tsv" >"$tmp/changes.tsv" 2>"$tmp/err"
	pb-coverage --by district "$tmp/old.tsv" >"$tmp/a.tsv"
	pb-coverage --by district "$tmp/new.tsv" >"$tmp/b.tsv"
	# per district and org_mode: new - old from the summaries, and from the change rows
	want=$(join -t $'\t' <(tail -n +2 "$tmp/a.tsv" | cut -f1,3-6 | sort) <(tail -n +2 "$tmp/b.tsv" | cut -f1,3-6 | sort) |
		awk -F'\t' '{ split("single joint work none", m, " "); for (k = 1; k <= 4; k++) print $1, m[k], $(5 + k) - $(1 + k) }' | sort)
	got=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ d = $col["district"] }
		$1 != "removed" { n[d " " $col["org_mode"]]++ }
		$1 != "added" { n[d " " $2]-- }
		END { split("禅城区 南海区 顺德区 高明区 三水区", ds, " "); split("single joint work none", m, " ")
			for (i = 1; i <= 5; i++) for (k = 1; k <= 4; k++) print ds[i], m[k], n[ds[i] " " m[k]] + 0 }' "$tmp/changes.tsv" | sort)
	kinds=$(tail -n +2 "$tmp/changes.tsv" | cut -f1 | sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')
	if [ "$want" = "$got" ] && [ ! -s "$tmp/err" ]; then
		ok "--changes seed $seed ($kinds): the change rows give the difference of the summaries"
	else
		notok "--changes seed $seed: the change rows give the difference of the summaries" "$(diff <(echo "$want") <(echo "$got") | head; cat "$tmp/err")"
	fi
done
echo "1..$tap_n"
