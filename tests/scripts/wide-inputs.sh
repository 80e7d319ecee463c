#!/usr/bin/env bash
# A very wide header (500,000 columns) costs time in proportion to its width in
# every command and format: each run ends well inside a generous bound (60 s,
# where it takes about a second; a cost that grew with the square of the
# width took minutes). docx is left out: a table that wide takes it seconds
# and a gigabyte, in proportion. Found: pb-report looked up columns by name
# and checked for repeated columns one by one. Not a timing test: the bound only
# tells "linear" from "quadratic".
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

python3 - <<'PY'
n = 500000
with open("wide.tsv", "w") as f:
    f.write("\t".join("c%d" % i for i in range(n)) + "\n")
    f.write("\t".join(str(i % 7) for i in range(n)) + "\n")
    f.write("\t".join(str(i % 5) for i in range(n)) + "\n")
with open("wide.csv", "w") as f:
    f.write(",".join("列%d" % i for i in range(n)) + "\n")
    f.write(",".join(str(i % 7) for i in range(n)) + "\n")
PY

run() { # NAME CMD...
	local name=$1
	shift
	timeout 60 "$@" >out 2>err
	local rc=$?
	if [ $rc -le 1 ] && [ -s out ]; then
		ok "$name: 500,000 columns, exit $rc"
	else
		notok "$name: exit $rc (124: past the bound)" err
	fi
}

for f in text md csv html; do
	run "pb-report -f $f" pb-report -f "$f" wide.tsv
done
# an xlsx sheet holds 16,384 columns: refused whole, quickly, never cut
timeout 60 pb-report -f xlsx -o w.xlsx wide.tsv 2>err
rc=$?
if [ $rc -eq 2 ] && [ ! -e w.xlsx ] && grep -q 'an xlsx sheet holds at most 16384 columns' err; then
	ok "pb-report -f xlsx: 500,000 columns refused (exit 2), no file"
else
	notok "pb-report -f xlsx: exit $rc" err
fi
run "pb-report -f xlsx --columns (16,384 of them)" sh -c \
	"pb-report -f xlsx --columns \$(seq -s, -f c%.0f 0 16383) -o w.xlsx wide.tsv && cat w.xlsx"
run "pb-report --columns (the list path)" pb-report -f csv --columns c199999,c0,c199999 wide.tsv
run "pb-coverage --by c3" pb-coverage --by c3 --status c4 wide.tsv
run "pb-rank" pb-rank --id c1 --score c2 wide.tsv
run "pb-import --kind raw" pb-import --kind raw wide.csv
