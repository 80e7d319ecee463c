#!/bin/sh
# pb-monthly: the month's 通报 as a cron job, the way an office installs it.
#
#   pb-monthly.sh [-m YYYY-MM] REGISTER TARGETS OUTROOT
#
# Imports REGISTER (the units register as staff keep it: CSV, TSV or a
# workbook, in any encoding pb-import reads) and TARGETS (the year's
# targets), and writes the month's bulletin — 通报.docx, 通报.html, 通报.xlsx
# and 通报.txt, with units.tsv (and rejects.tsv when rows were rejected)
# beside them — into the folder
# OUTROOT/YYYY-MM. The month defaults to the one before today, so a job on
# the 1st reports the month just ended; figures are as of its last day.
#
# The folder appears whole or not at all: everything is written into a
# temporary folder beside it and renamed into place, and a run that fails
# leaves an earlier folder of that month as it was. Each run appends one
# line to OUTROOT/pb-monthly.log:
#
#   2022-08-01T02:05:00+08:00 2022-07 ok read 3716 wrote 3716 rejected 0 emptied 0 fields -> /data/通报/2022-07
#
# Exit status: 0 all good; 1 some rows were rejected or left out (the
# bulletin is written from the rest, and rejects.tsv says which and why);
# 2 a step failed (nothing of this month is replaced).
#
# crontab -e, for 02:05 on the first of every month:
#   5 2 1 * * /opt/pb/examples/cron/pb-monthly.sh /data/台账.xlsx /data/目标.csv /data/通报 2>>/data/通报/cron.err
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$here/../../bin" ] && PATH="$here/../../bin:$PATH" # a source checkout; installed pb is on PATH

month=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
if [ "${1:-}" = -m ]; then
	month=${2:-}
	shift 2 || exit 2
fi
if [ $# -ne 3 ] || ! date -d "$month-01" >/dev/null 2>&1; then
	echo "usage: pb-monthly.sh [-m YYYY-MM] REGISTER TARGETS OUTROOT" >&2
	exit 2
fi
register=$1 targets=$2 root=$3
as_of=$(date -d "$month-01 +1 month -1 day" +%F)
dest=$root/$month
mkdir -p "$root" || exit 2
tmp=$(mktemp -d "$root/.$month.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
worst=0 summary=""

# Counts a step's exit status (the worst is the run's); false when the step failed.
counts() {
	[ "$1" -le $worst ] || worst=$1
	[ "$1" -lt 2 ]
}

log() {
	printf '%s %s %s%s -> %s\n' "$(date +%FT%T%:z)" "$month" "$1" "$summary" "$dest" >>"$root/pb-monthly.log"
}

# pb-import always ends with "pb-import: read N, wrote M, rejected K, ...": keep it for the log.
import_units() {
	pb-import --rejects "$tmp/rejects.tsv" -o "$tmp/units.tsv" "$register" 2>"$tmp/import.err"
	r=$?
	cat "$tmp/import.err" >&2
	summary=$(sed -n 's/^pb-import: \(read .*\)$/ \1/p' "$tmp/import.err" | tail -n 1 | tr -d ',')
	return $r
}

failed() {
	log failed
	exit 2
}

import_units
counts $? || failed
pb-import --kind targets -o "$tmp/targets.tsv" "$targets"
counts $? || failed
sh "$here/../report/bulletin.sh" "$tmp/units.tsv" "$tmp/targets.tsv" "$as_of" "$tmp" >"$tmp/通报.txt"
counts $? || failed
rm -f "$tmp/import.err"
chmod 755 "$tmp"
# into place: the month's earlier folder, if any, goes only once the new one is whole
old=""
if [ -e "$dest" ]; then
	old=$(mktemp -d "$root/.$month.old.XXXXXX") && mv "$dest" "$old/" || failed
fi
if ! mv "$tmp" "$dest"; then
	[ -n "$old" ] && mv "$old/$month" "$dest"
	failed
fi
[ -n "$old" ] && rm -rf "$old"
if [ $worst -eq 0 ]; then log ok; else log rejected; fi
exit $worst
