#!/usr/bin/env bash
# pb-report text output lines up by display width (CJK and full-width two columns,
# combining marks none): every row's cells start (text) or end (numbers) in the same
# terminal column as the header's, and each row is as wide as the rule under the header.
# Widths are measured independently of pb (python3 unicodedata), not by pb_text_width.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

if ! command -v python3 >/dev/null; then
	notok "python3 is needed to measure display widths"
	exit 0
fi

printf 'district\tunit_type\tunits\torg_rate\tsingle_rate_delta_pp\n' >"$tmp/a.tsv"
printf '%s\t%s\t%s\t%s\t%s\n' \
	东城区 residential 120 0.833333 5.50 \
	'Cafe'$'\xcc\x81'' town' enterprise 7 1.000000 -12.25 \
	ＡＢ新区 key_project 12345 0.05 0.00 \
	x village_group 3 0 100.00 \
	合计 合计 12475 0.8 3.21 >>"$tmp/a.tsv"

check() { # name file.txt
	python3 - "$2" <<'PY'
import re, sys, unicodedata
def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ('Mn', 'Me', 'Cf'):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ('W', 'F') else 1
    return w
def cells(line):
    # (start, end, text) of each cell: cells are separated by two or more spaces
    out, pos = [], 0
    for m in re.finditer(r'\S+(?: \S+)*', line):
        start = width(line[:m.start()]); out.append((start, start + width(m.group()), m.group()))
    return out
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
errors = []
i = 0
tables = 0
while i < len(lines):
    if i + 1 < len(lines) and lines[i + 1] and set(lines[i + 1]) == {'-'}:
        tables += 1
        header, rule = lines[i], lines[i + 1]
        L = len(rule)
        hc = cells(header)
        numeric = None
        j = i + 2
        rows = []
        while j < len(lines) and lines[j]:
            if set(lines[j]) != {'-'}:
                rows.append(lines[j])
            j += 1
        for r in rows:
            rc = cells(r)
            if len(rc) != len(hc):
                errors.append('cell count %d != %d: %r' % (len(rc), len(hc), r)); continue
            if width(r) > L:
                errors.append('row wider than rule: %r' % r)
            for k, ((hs, he, ht), (cs, ce, ct)) in enumerate(zip(hc, rc)):
                num = re.fullmatch(r'[+-]?(0|[1-9][0-9]*)(\.[0-9]+)?%?', ct) is not None
                if num and ce != he:
                    errors.append('number %r ends at %d, header %r at %d' % (ct, ce, ht, he))
                if not num and cs != hs:
                    errors.append('text %r starts at %d, header %r at %d' % (ct, cs, ht, hs))
        if max(width(r) for r in rows + [header]) != L:
            errors.append('widest line is not as wide as the rule')
        i = j
    else:
        i += 1
if not tables:
    errors.append('no table found')
for e in errors:
    print('# ' + e)
sys.exit(1 if errors else 0)
PY
}

pb-report "$tmp/a.tsv" >"$tmp/a.txt" 2>"$tmp/err"
if [ $? -eq 0 ] && [ ! -s "$tmp/err" ] && check a "$tmp/a.txt"; then
	ok "CJK, full-width and combining text line up with numbers and % columns"
else
	notok "CJK, full-width and combining text line up with numbers and % columns"
	sed 's/^/# /' "$tmp/a.txt"
fi

pb-report --lang en --columns unit_type,units,district,single_rate_delta_pp "$tmp/a.tsv" >"$tmp/b.txt" 2>"$tmp/err"
if [ $? -eq 0 ] && check b "$tmp/b.txt"; then
	ok "English labels and reordered columns line up"
else
	notok "English labels and reordered columns line up"
	sed 's/^/# /' "$tmp/b.txt"
fi

pb-report --heading 一 --heading 二 "$tmp/a.tsv" examples/report/rank.tsv >"$tmp/c.txt" 2>"$tmp/err"
if [ $? -eq 0 ] && check c "$tmp/c.txt"; then
	ok "two sections each line up"
else
	notok "two sections each line up"
	sed 's/^/# /' "$tmp/c.txt"
fi

# no line ends in a space
if ! grep -q ' $' "$tmp/a.txt" "$tmp/b.txt" "$tmp/c.txt"; then
	ok "no trailing spaces"
else
	notok "no trailing spaces"
fi
