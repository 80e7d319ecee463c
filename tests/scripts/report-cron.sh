#!/usr/bin/env bash
# examples/cron/pb-monthly.sh as cron runs it, for two months of the example register
# (June and July 2022): each month's 通报 appears whole in its dated folder, one log
# line per run, and the exit status tells a good run (0) from one that rejected rows
# (1, bulletin still written) and from one that failed (2, nothing replaced).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
t() { local what=$1; shift; if "$@" >"$tmp/why" 2>&1; then ok "$what"; else notok "$what" "$tmp/why"; fi; }

job=examples/cron/pb-monthly.sh
register=examples/data/foshan-units.csv
targets=examples/data/foshan-targets.csv
out=$tmp/通报
export SOURCE_DATE_EPOCH=1659225600

monthly() { # month, register; the exit status in $tmp/rc.MONTH
	sh "$job" -m "$1" "$2" "$targets" "$out" >"$tmp/out.$1" 2>"$tmp/err.$1"
	echo $? >>"$tmp/rc.$1"
}
monthly 2022-06 "$register"
monthly 2022-07 "$register"
t "June and July: exit 0 each" test "$(cat "$tmp/rc.2022-06" "$tmp/rc.2022-07")" = "$(printf '0\n0')"
whole() {
	for f in 通报.docx 通报.html 通报.xlsx 通报.txt units.tsv targets.tsv; do
		[ -s "$out/$1/$f" ] || { echo "$1/$f missing"; return 1; }
	done
}
t "each month's folder holds the whole bulletin" bash -c "$(declare -f whole); out='$out'; whole 2022-06 && whole 2022-07"
t "no temporary folder left behind" test -z "$(ls -A "$out" | grep -v -e '^2022-0[67]$' -e '^pb-monthly.log$')"
t "one log line per run, saying what was read" python3 - "$out/pb-monthly.log" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding='utf-8').read().splitlines()
assert len(lines) == 2, lines
for line, month in zip(lines, ('2022-06', '2022-07')):
    assert re.fullmatch(r'\S+ %s ok read 3716 wrote 3716 rejected 0( emptied 0 fields)? -> \S+/%s' % (month, month), line), line
PY
t "each month's figures are as of its last day, July's against June" python3 - "$out" <<'PY'
import sys
d = sys.argv[1]
june = open(d + '/2022-06/通报.txt', encoding='utf-8').read()
july = open(d + '/2022-07/通报.txt', encoding='utf-8').read()
assert '截至2022年6月30日' in june and '截至2022年7月31日' in july
import re
trend = lambda t: sorted(set(re.findall(r'^(2022-\d\d) ', t, re.M)))
assert trend(june) == ['2022-02', '2022-03', '2022-04', '2022-05', '2022-06'], trend(june)
assert trend(july) == ['2022-03', '2022-04', '2022-05', '2022-06', '2022-07'], trend(july)
assert '单独组建率87.6%' in july and '单独组建率85.9%' in june, (july[:300], june[:300])
PY
t "the job's docx is the month's: its prose is in the document" python3 - "$out/2022-07" <<'PY'
import sys, zipfile, re
d = sys.argv[1]
doc = zipfile.ZipFile(d + '/通报.docx').read('word/document.xml').decode('utf-8')
text = re.sub(r'<[^>]+>', '', doc)
prose = open(d + '/通报.txt', encoding='utf-8').read().split('\n\n')[1]
assert prose.strip() in text, prose
PY

# a register with a rejected row (a unit listed twice): exit 1, the bulletin still written
sum_before=$(cat "$out"/2022-07/* | md5sum)
{ cat "$register"; sed -n 2p "$register"; } >"$tmp/twice.csv"
monthly 2022-07 "$tmp/twice.csv"
t "a rejected row: exit 1, the bulletin written from the rest, rejects.tsv says which" \
	test "$(tail -1 "$tmp/rc.2022-07")" = 1 -a -s "$out/2022-07/rejects.tsv" -a -s "$out/2022-07/通报.docx"
t "... and the log says rejected" bash -c "tail -1 '$out/pb-monthly.log' | grep -Eq ' 2022-07 rejected read 3717 wrote 3716 rejected 1( emptied 0 fields)? -> '"

# a failed run (the register is gone): exit 2, the month's folder as it was
sum_before=$(cat "$out"/2022-07/* | md5sum)
monthly 2022-07 "$tmp/nosuch.csv"
t "a failed run: exit 2, the month's folder untouched, logged as failed" \
	test "$(tail -1 "$tmp/rc.2022-07")" = 2 -a "$(cat "$out"/2022-07/* | md5sum)" = "$sum_before"
t "... logged as failed, and no temporary folder left" bash -c \
	"tail -1 '$out/pb-monthly.log' | grep -q ' 2022-07 failed' && test -z \"\$(ls -A '$out' | grep '^\.')\""
sh "$job" -m 2022-13 "$register" "$targets" "$out" 2>/dev/null
t "a bad month is a usage error" test $? = 2
