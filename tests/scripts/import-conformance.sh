#!/usr/bin/env bash
# csv-spectrum conformance: pb-import --kind raw --no-normalize must reproduce
# every expected JSON exactly (location_coordinates is excluded: its expected
# output is wrong upstream and its CSV is not RFC 4180).
# The cases are copied under tests/conformance/csv-spectrum (BSD-2-Clause, see its LICENSE).
set -u
dir=${CSV_SPECTRUM:-tests/conformance/csv-spectrum}
[ -d "$dir" ] || { echo "not ok 1 - csv-spectrum not found at $dir"; exit 1; }
n=0
for csv in "$dir"/csvs/*.csv; do
	name=$(basename "$csv" .csv)
	[ "$name" = location_coordinates ] && continue
	n=$((n + 1))
	got=$(pb-import --kind raw --no-normalize "$csv" 2>/dev/null | python3 -c '
import json, sys
def unesc(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\":
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[s[i+1]]); i += 2
        else:
            out.append(s[i]); i += 1
    return "".join(out)
lines = sys.stdin.buffer.read().decode("utf-8").split("\n")
assert lines[-1] == ""
head = [unesc(h) for h in lines[0].split("\t")]
rows = [dict(zip(head, [unesc(f) for f in l.split("\t")])) for l in lines[1:-1]]
want = json.load(open(sys.argv[1], encoding="utf-8"))
print("same" if rows == want else "got %r want %r" % (rows, want))
' "$dir/json/$name.json" 2>&1)
	if [ "$got" = same ]; then echo "ok $n - csv-spectrum $name"; else echo "not ok $n - csv-spectrum $name: $got"; fi
done
