#!/usr/bin/env bash
# The accounting invariant under random damage, in every format pb-import
# reads: a clean register (2,000 units) written as CSV in UTF-8, GB18030 and
# UTF-16LE (with BOM), and as UTF-8 TSV, then damaged at random bytes
# (flipped, deleted, duplicated, or replaced by a quote, comma, tab, CR, LF,
# NUL, backslash or 0xFF), with the encoding detected or given; and as an
# .xlsx sheet whose cells are damaged (cut, extra or missing cells, quotes,
# tabs and line ends in text, empty rows). For every damaged file:
#  - read N = wrote M + rejected K, and the output holds exactly M records;
#  - the rejects file holds exactly K records, each with a non-empty
#    reject_reason, and these reasons are, in order, the reasons stderr gives
#    for its FILE:LINE messages (every rejected row is in the file, with its reason);
#  - those LINEs increase and lie within the file; the "left empty" notes
#    (a bad optional value emptied, the row written) are as many as the
#    summary's emptied fields.
# (tests/scripts/import-props.sh checks the same on malformed CSV rows; this
# adds damage that cuts characters, quotes and line ends anywhere.)
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

python3 - "$tmp" <<'PY'
import random, sys, zipfile
d = sys.argv[1]
head = ["编号", "单位名称", "单位类型", "所属县区", "组建方式", "党组织名称", "党员数", "成立时间"]
modes = ["单独组建", "联合组建", "工作覆盖", "空白"]
types = ["物业住宅小区", "非公企业", "社会组织", "重点项目"]
districts = ["禅城区", "南海区", "顺德区", "高明区", "三水区"]

def register(seed, sep):
    r = random.Random(seed)
    rows = [head]
    for i in range(2000):
        m = r.randrange(4)
        org = ("党支部%d" % i) if m == 0 else ("联合党支部%d" % r.randrange(50)) if m == 1 else ""
        name = "单位%d号" % i
        if sep == "," and r.random() < 0.05:
            name = '"%s, 含逗号"' % name
        rows.append(["U%05d" % i, name, r.choice(types), r.choice(districts), modes[m], org,
                     str(r.randrange(0, 30)), "%d-%d-%d" % (r.randrange(1990, 2024), r.randrange(1, 13), r.randrange(1, 29))])
    return "".join(sep.join(row) + ("\r\n" if seed % 2 else "\n") for row in rows)

bad = [b'"', b",", b"\t", b"\r", b"\n", b"\x00", b"\\", b"\xff"]

def damage(data, seed, start):
    r = random.Random(seed * 7919)
    b = bytearray(data)
    for _ in range(60):
        at = r.randrange(start, len(b))
        k = r.randrange(5)
        if k == 0:
            b[at] ^= 1 << r.randrange(8)
        elif k == 1:
            del b[at:at + r.randrange(1, 4)]
        elif k == 2:
            b[at:at] = b[at:at + r.randrange(1, 40)]
        else:
            b[at:at] = r.choice(bad)
    return bytes(b)

cases = [("utf8-csv", "utf-8", b"", ",", "auto"), ("gb18030-csv", "gb18030", b"", ",", "gb18030"),
         ("gb18030-auto", "gb18030", b"", ",", "auto"), ("utf16-csv", "utf-16-le", b"\xff\xfe", ",", "auto"),
         ("utf16-tsv", "utf-16-le", b"\xff\xfe", "\t", "utf-16"), ("utf8-tsv", "utf-8", b"", "\t", "auto")]
with open(d + "/cases", "w") as f:
    for name, enc, bom, sep, opt in cases:
        for seed in (1, 2, 3):
            text = register(seed, sep)
            data = bom + text.encode(enc)
            start = len(bom) + len((text.split("\n", 1)[0] + "\n").encode(enc))
            path = "%s/%s-%d.txt" % (d, name, seed)
            open(path, "wb").write(damage(data, seed, start))
            f.write("%s %s\n" % (path, opt))
    # a workbook: the damage is to its cells (a damaged zip is refused whole)
    for seed in (1, 2, 3):
        r = random.Random(seed * 104729)
        rows = [line.split("\t") for line in register(seed, "\t").splitlines()]
        for row in rows[1:]:
            k = r.randrange(40)
            if k == 0:
                row.append("多余%d" % r.randrange(9))
            elif k == 1:
                del row[r.randrange(len(row)):]
            elif k == 2:
                row[:] = [""] * len(row)  # an empty row: not a record
            elif k < 6:
                i = r.randrange(len(row))
                row[i] = row[i][:r.randrange(len(row[i]) + 1)] + r.choice(['"', ",", "\t", "\n", "\r\n", "x", "\u3000", "Ⅻ"])
        col = lambda i: (chr(65 + i) if i < 26 else "A" + chr(65 + i - 26))
        esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace("\r", "&#13;")
        sheet = "".join('<row r="%d">%s</row>' % (n + 1, "".join(
            '<c r="%s%d" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (col(i), n + 1, esc(v))
            for i, v in enumerate(row) if v)) for n, row in enumerate(rows))
        path = "%s/xlsx-%d.xlsx" % (d, seed)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
            z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
            z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
            z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
            z.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>' % sheet)
        f.write("%s auto\n" % path)
PY

while read -r file enc; do
	name=${file##*/}
	rm -f "$tmp/out.tsv" "$tmp/rej.tsv"
	pb-import --as-of 2026-11-23 --encoding "$enc" --rejects "$tmp/rej.tsv" -o "$tmp/out.tsv" "$file" 2>"$tmp/err"
	rc=$?
	why=$(python3 - "$file" "$tmp/out.tsv" "$tmp/rej.tsv" "$tmp/err" "$rc" <<'PY'
import re, sys
src, out, rej, err, rc = sys.argv[1:6]
lines = open(err, encoding="utf-8", errors="replace").read().split("\n")[:-1]
m = re.fullmatch(r"pb-import: read (\d+), wrote (\d+), rejected (\d+)(, emptied \d+ fields)?", lines[-1] if lines else "")
if not m:
    sys.exit(print("no summary line: %r" % (lines[-1:] or "",)))
n, w, k = map(int, m.groups()[:3])
e = int(re.search(r"\d+", m.group(4)).group()) if m.group(4) else 0
emptied = 0
if n != w + k:
    sys.exit(print("read %d != wrote %d + rejected %d" % (n, w, k)))
if rc not in ("0", "1"):
    sys.exit(print("exit %s" % rc))
def records(path):
    try:
        data = open(path, "rb").read()
    except FileNotFoundError:
        return None
    return [l.split(b"\t") for l in data.split(b"\n")[:-1]]
o = records(out)
if o is None or len(o) - 1 != w:
    sys.exit(print("output has %s records, wrote %d" % (None if o is None else len(o) - 1, w)))
r = records(rej) or [[b"reject_reason"]]
if r[0][-1] != b"reject_reason" or len(r) - 1 != k:
    sys.exit(print("rejects file has %d records, rejected %d" % (len(r) - 1, k)))
reasons = [row[-1].decode("utf-8", "replace") for row in r[1:]]
if any(not x for x in reasons):
    sys.exit(print("a rejected row without its reason"))
name = re.escape(src)
said, last = [], 0
raw = open(src, "rb").read()
nlines = raw.count(b"\n") + raw.count(b"\r") + 1  # at most: CR, LF and CRLF each end a line
if raw[:2] == b"PK":
    nlines = 1 << 20  # a sheet's rows
for l in lines[:-1]:
    mm = re.match(r"pb-import: %s:(?:[^!\n]*!)?(\d+): (.*)" % name, l)  # FILE:LINE or FILE:SHEET!ROW
    if not mm:
        continue  # a warning about the file, not a row
    line = int(mm.group(1))
    if line > nlines:
        sys.exit(print("message line %d (file has %d lines)" % (line, nlines)))
    if mm.group(2).endswith("; left empty"):
        emptied += 1  # a bad optional value emptied: the row is written
        continue
    if line <= last:
        sys.exit(print("rejected row on line %d after one on line %d" % (line, last)))
    last = line
    said.append(mm.group(2))
if emptied != e:
    sys.exit(print("%d fields emptied on stderr, the summary says %d" % (emptied, e)))
# a reason in the file is pb TSV: escapes for TAB, LF, CR and backslash
said = [s.replace("\\", "\\\\").replace("\t", "\\t") for s in said]
# a long row's surplus fields follow its reason in the file (DESIGN §7)
same = lambda a, b: b == a or b.startswith(a + "; surplus fields: ")
if len(said) != len(reasons) or not all(same(a, b) for a, b in zip(said, reasons)):
    diff = next(((a, b) for a, b in zip(said, reasons) if not same(a, b)), (len(said), len(reasons)))
    sys.exit(print("stderr and the rejects file disagree: %r" % (diff,)))
print("")
PY
)
	summary=$(tail -1 "$tmp/err")
	if [ -z "$why" ]; then
		ok "$name: ${summary#pb-import: }; every rejected row in the rejects file with its reason"
	else
		notok "$name: $why" "$(tail -5 "$tmp/err")"
	fi
done <"$tmp/cases"
