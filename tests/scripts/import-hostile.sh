#!/usr/bin/env bash
# Hostile input for pb-import (review): files of only line ends or only a BOM,
# UTF-16 with an odd byte count, GB18030 characters (2 and 4 bytes) straddling
# the 256 KiB read boundary, a 20 MB line without a line end, 100,000 columns.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t=0
check() { t=$((t + 1)); if [ "$1" = "$2" ]; then echo "ok $t - $3"; else echo "not ok $t - $3: got [$1] want [$2]"; fi; }

printf '\r\r\r' >"$tmp/cr.csv"
pb-import --kind raw "$tmp/cr.csv" >"$tmp/out" 2>"$tmp/err"
check "$?:$(wc -c <"$tmp/out")" "2:0" "a file of only CRs has no header: exit 2, nothing on stdout"

printf '\xef\xbb\xbf' >"$tmp/bom.csv"
pb-import --kind raw "$tmp/bom.csv" >"$tmp/out" 2>"$tmp/err"
check "$?:$(wc -c <"$tmp/out")" "2:0" "a BOM alone has no header: exit 2"

# UTF-16LE with BOM, "a,b\n1,2\n3" and one stray byte
printf '\xff\xfea\x00,\x00b\x00\n\x001\x00,\x002\x00\n\x003\x00,\x004\x00\n\x00\x35' >"$tmp/odd.csv"
pb-import --kind raw "$tmp/odd.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "$rc:$(tr '\t\n' ',;' <"$tmp/out")" "1:a,b;1,2;3,4;" "UTF-16 with an odd byte count: good rows kept, the stray byte rejected"
check "$(tail -1 "$tmp/err")" "pb-import: read 3, wrote 2, rejected 1, emptied 0 fields" "UTF-16 odd byte count: N = M + K"

# a character whose bytes straddle offset 262144 (the first read), for 2- and 4-byte forms
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
for name, ch, before in (("gb2a", "中", 1), ("gb4a", "\U00020000", 1), ("gb4b", "\U00020000", 2), ("gb4c", "\U00020000", 3), ("gb4d", "㐀", 2)):
    data = "名称,值\n".encode("gb18030")
    row = "甲乙,1\n".encode("gb18030")
    while len(data) + len(row) < 262144 - 100:
        data += row
    data += b"x,"
    data += b"y" * (262144 - before - len(data))
    data += ch.encode("gb18030") + b"z\n" + row
    assert data[262144 - before:262144 - before + len(ch.encode("gb18030"))] == ch.encode("gb18030")
    open("%s/%s.csv" % (d, name), "wb").write(data)
    open("%s/%s.want" % (d, name), "w", encoding="utf-8").write(ch)
PY
for f in gb2a gb4a gb4b gb4c gb4d; do
	pb-import --kind raw --encoding gb18030 "$tmp/$f.csv" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	want=$(cat "$tmp/$f.want")
	got=$(grep "^x	" "$tmp/out" | sed "s/^x	y*//; s/z\$//")
	check "$rc:$got" "0:$want" "GB18030 $f: a character across the 256 KiB read boundary decodes"
	pb-import --kind raw "$tmp/$f.csv" >"$tmp/out2" 2>/dev/null
	check "$(cmp -s "$tmp/out" "$tmp/out2" && echo same)" "same" "GB18030 $f: --encoding auto reads it the same"
done

# a 20 MB line without a line end: one record, rejected, memory bounded
python3 -c 'import sys; sys.stdout.write("a,b\n1,2\n3," + "x" * (20 << 20))' >"$tmp/long.csv"
pb-import --kind raw "$tmp/long.csv" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "$rc:$(tail -1 "$tmp/err")" "1:pb-import: read 2, wrote 1, rejected 1, emptied 0 fields" "a 20 MB line is one rejected record"
check "$(grep -c 'long.csv:3: record longer than' "$tmp/err")" "1" "the long record is named by its line"
# the same with a line after it: reading goes on there
python3 -c 'import sys; sys.stdout.write("a,b\n1,\"" + "x" * (20 << 20) + "\n5,6\n")' >"$tmp/long2.csv"
pb-import --kind raw "$tmp/long2.csv" >"$tmp/out" 2>"$tmp/err"
check "$?:$(tr '\t\n' ',;' <"$tmp/out"):$(tail -1 "$tmp/err")" "1:a,b;5,6;:pb-import: read 2, wrote 1, rejected 1, emptied 0 fields" \
	"after a record cut off at 16 MiB, the rest of its line is skipped and the next line read"

# 100,000 columns: header and row come through (and quickly: no pairwise name checks)
python3 -c '
n = 100000
print(",".join("c%d" % i for i in range(n)))
print(",".join(str(i) for i in range(n)))' >"$tmp/wide.csv"
pb-import --kind raw "$tmp/wide.csv" >"$tmp/out" 2>"$tmp/err"
check "$?:$(head -1 "$tmp/out" | tr '\t' '\n' | wc -l):$(tail -1 "$tmp/out" | cut -f100000)" "0:100000:99999" "100,000 columns"
python3 -c '
n = 100000
print("unit_name,org_mode," + ",".join("c%d" % i for i in range(n)))
print("甲,none," + ",".join(str(i) for i in range(n)))' >"$tmp/wide2.csv"
pb-import --keep "$tmp/wide2.csv" >"$tmp/out" 2>"$tmp/err"
check "$?:$(head -1 "$tmp/out" | tr '\t' '\n' | wc -l)" "0:100004" "100,000 kept columns (after unit_id, unit_name, unit_type, org_mode)"
python3 -c 'print(",".join(["a"] * 3 + ["c%d" % i for i in range(100000)]))' >"$tmp/dup.csv"
pb-import --kind raw "$tmp/dup.csv" >"$tmp/out" 2>"$tmp/err"
check "$?:$(head -1 "$tmp/err")" "2:pb-import: $tmp/dup.csv:1: duplicate column name 'a'" "duplicate header names are fatal"

echo "1..$t"
