#!/usr/bin/env bash
# .xls is read by FreeXL in a child process: whatever that library does with a
# malformed file (FreeXL 1.0.6 reads past its stack buffers on some), pb-import
# ends with one clear message for the file and exit 2, or reads it — never a
# crash, never FreeXL's or a sanitizer's words on pb's stderr or stdout.
#  - the kept inputs that broke FreeXL (tests/fuzz/regress/workbook/, first
#    byte the harness's options): exit 2, nothing on stdout, "FILE: ..." and
#    the summary on stderr;
#  - 200 damaged copies of a real register saved as .xls by LibreOffice
#    (bytes flipped, cut, repeated, or the file cut short): exit 0, 1 or 2,
#    read = wrote + rejected, every diagnostic line pb-import's.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

for f in "$top"/tests/fuzz/regress/workbook/workbook-freexl-*; do
	name=${f##*/}
	tail -c +2 "$f" >"$tmp/$name.xls"
	(cd "$tmp" && pb-import --kind raw "$name.xls" >out 2>err)
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 2 ] &&
		grep -q "^pb-import: $name.xls: " "$tmp/err" &&
		grep -q '^pb-import: read 0, wrote 0, rejected 0' "$tmp/err"; then
		ok "$name: one message for the file, exit 2"
	else
		notok "$name: exit $rc" "$tmp/err"
	fi
done

python3 - "$top/tests/cli/import-wb-xls/台账.xls" "$tmp" <<'PY'
import random, sys
data = open(sys.argv[1], "rb").read()
for seed in range(200):
    r = random.Random(seed)
    b = bytearray(data)
    if seed % 10 == 9:
        b = b[:r.randrange(8, len(b))]
    else:
        for _ in range(r.randrange(1, 3)):
            at = r.randrange(512, len(b))
            k = r.randrange(4)
            if k == 0:
                b[at] ^= 1 << r.randrange(8)
            elif k == 1:
                b[at] = r.choice([0, 0xff, 0x7f, 0x80])
            elif k == 2:
                del b[at:at + r.randrange(1, 16)]
            else:
                b[at:at] = b[at:at + r.randrange(1, 64)]
    open("%s/d%03d.xls" % (sys.argv[2], seed), "wb").write(bytes(b))
PY

bad=0 fatal=0 read=0
for f in "$tmp"/d*.xls; do
	(cd "$tmp" && pb-import --kind raw --rejects rej.tsv "${f##*/}" >out 2>err)
	rc=$?
	sum=$(sed -n 's/^pb-import: read \([0-9]*\), wrote \([0-9]*\), rejected \([0-9]*\).*/\1 \2 \3/p' "$tmp/err")
	set -- $sum
	if [ $rc -gt 2 ] || [ -z "$sum" ] || [ "$1" -ne $(($2 + $3)) ] ||
		grep -qv '^pb-import: ' "$tmp/err"; then
		bad=$((bad + 1))
		[ $bad -eq 1 ] && notok "${f##*/}: exit $rc" "$tmp/err"
	fi
	[ $rc -eq 2 ] && fatal=$((fatal + 1))
	[ $rc -le 1 ] && read=$((read + 1))
done
[ $bad -eq 0 ] && ok "200 damaged .xls files: exit 0-2, read = wrote + rejected, only pb's messages ($read read, $fatal refused)"
[ $read -gt 0 ] && [ $fatal -gt 0 ] && ok "the damage both reaches the cells and breaks the container" ||
	notok "damage too weak or too strong: $read read, $fatal refused"
