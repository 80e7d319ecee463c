#!/usr/bin/env bash
# Streaks as man/pb-rank.1 ("Streaks, period after period") tells a user to keep
# them: touch one history file once, then every quarter rank with --period and
# --history into a file of its own and append that file to the history. Five
# districts over six quarters; 高明区 is first in all six (连续6个季度排名第一).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

# quarter.tsv per quarter: 高明区 always first; 南海区 second in Q1, Q2, Q4, Q5, Q6 and
# first-equal (并列第一) in Q3; 顺德区 last but one, except in Q2 where it is second
quarter() { # QUARTER: writes that quarter's scores to quarter.tsv
	awk -v q="$1" 'BEGIN {
		OFS = "\t"; print "district", "score"
		print "高明区", 96.5
		print "南海区", (q == "2022Q3" ? 96.5 : 93)
		print "顺德区", (q == "2022Q2" ? 94 : 85)
		print "禅城区", 90.25
		print "三水区", 80
	}' >quarter.tsv
}
streak_of() { # FILE DISTRICT: the streak column of that district's row
	awk -F'\t' -v d="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$1 == d { print $c["streak"] }' "$1"
}

touch ranks.tsv
bad=""
for q in 2022Q1 2022Q2 2022Q3 2022Q4 2023Q1 2023Q2; do
	quarter "$q"
	if pb-rank --id district --period "$q" --history ranks.tsv -o "$q.tsv" quarter.tsv 2>>err &&
		cat "$q.tsv" >>ranks.tsv; then :; else bad="$bad $q"; fi
done
if [ -z "$bad" ] && [ ! -s err ]; then
	ok "six quarters run as the man page says: exit 0, nothing on stderr"
else
	notok "six quarters run as the man page says: exit 0, nothing on stderr" "failed:$bad $(cat err)"
fi

got=$(streak_of 2022Q1.tsv 高明区),$(streak_of 2022Q1.tsv 南海区)
if [ "$got" = "1,0" ]; then
	ok "the first period, from an empty history: streak 1 at the top, 0 below"
else
	notok "the first period, from an empty history: streak 1 at the top, 0 below" "got $got"
fi

got=$(streak_of 2022Q2.tsv 高明区)
if [ "$got" = 2 ]; then ok "two periods at the top: streak 2"; else notok "two periods at the top: streak 2" "got $got"; fi

got=$(for q in 2022Q1 2022Q2 2022Q3 2022Q4 2023Q1 2023Q2; do streak_of $q.tsv 高明区; done | paste -sd' ')
if [ "$got" = "1 2 3 4 5 6" ]; then
	ok "高明区 first in all six quarters: streaks 1 to 6"
else
	notok "高明区 first in all six quarters: streaks 1 to 6" "got $got"
fi

got=$(for q in 2022Q2 2022Q3 2022Q4; do streak_of $q.tsv 南海区; done | paste -sd' ')
if [ "$got" = "0 1 0" ]; then
	ok "a tie for first (并列第一) counts for that quarter only"
else
	notok "a tie for first (并列第一) counts for that quarter only" "got $got"
fi

# the same history with --streak-top 2: 南海区 within the top two in all six but Q2
pb-rank --id district --period 2023Q2 --history ranks.tsv --streak-top 2 quarter.tsv >top2.tsv 2>err
got=$(streak_of top2.tsv 南海区),$(streak_of top2.tsv 高明区)
if [ "$got" = "4,6" ] && [ ! -s err ]; then
	ok "--streak-top 2 over the appended history"
else
	notok "--streak-top 2 over the appended history" "got $got $(cat err)"
fi

# the appended history holds six headers and 30 rows; "period" is never taken for a period
if [ "$(grep -c '^district' ranks.tsv)" = 6 ] && [ "$(grep -vc '^district' ranks.tsv)" = 30 ]; then
	ok "the history is the six outputs appended, headers and all"
else
	notok "the history is the six outputs appended, headers and all" ranks.tsv
fi

# a mistyped history file is an error, not a silent restart of every streak
pb-rank --id district --period 2023Q3 --history rank.tsv quarter.tsv >/dev/null 2>err
rc=$?
if [ $rc = 2 ] && grep -q 'rank.tsv: cannot open' err; then
	ok "a missing history file: exit 2"
else
	notok "a missing history file: exit 2" "exit $rc $(cat err)"
fi
