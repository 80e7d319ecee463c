#!/usr/bin/env bash
# Opens pb-report's Word and Excel bulletins in a real office suite (LibreOffice,
# headless): the docx becomes a PDF in which pdftotext finds every figure of the
# tables and the filled prose, on A4 pages, and pdftoppm renders page 1 to a PNG;
# hostile text opens too; the xlsx, converted to CSV by Calc as its cells are
# shown, equals what pb-report shows. Without LibreOffice or poppler-utils this
# fails (CI installs them). REPORT_OFFICE_KEEP=DIR keeps the PDFs and page 1.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
t() { local what=$1; shift; if "$@" >"$tmp/why" 2>&1; then ok "$what"; else notok "$what" "$tmp/why"; fi; }

soffice=$(command -v soffice || command -v libreoffice || true)
if [ -z "$soffice" ] || ! command -v pdftotext >/dev/null || ! command -v pdftoppm >/dev/null; then
	notok "LibreOffice (soffice) and poppler-utils (pdftotext, pdftoppm) are needed"
	exit 0
fi
# one profile of its own for every conversion, and a time limit on each
office() {
	timeout 240 "$soffice" "-env:UserInstallation=file://$tmp/profile" --headless --norestore \
		--convert-to "$@" --outdir "$tmp" >>"$tmp/office.log" 2>&1
}

d=tests/cli
sections=("$d/report-order/rollup.tsv" "$d/report-order/rank-district.tsv" "$d/report-trend/trend.tsv")
cat >"$tmp/prose.txt" <<'EOF'
本月，全市纳入统计的单位{1:合计:units}个，已单独组建党组织{1:合计:single}个，单独组建率{1:合计:single_rate}，组织覆盖率{1:合计:org_rate}。
禅城区单独组建率{1:禅城区:single_rate}，在各区中排名第{2:禅城区:rank}位。

顺德区物业住宅小区{1:顺德区/物业住宅小区:units}个，单独组建{1:顺德区/物业住宅小区:single}个，单独组建率{1:顺德区/物业住宅小区:single_rate:2}。
EOF
opts=(--title '2022年7月党组织覆盖情况通报' --subtitle '截至2022年7月31日' --order district=禅城区,南海区,顺德区
	--heading '一、各区覆盖情况' --heading '二、单独组建率排名' --heading '三、走势'
	--columns 2:district,single_rate,rank,stars,flag --chart 1:single_rate --chart 2:single_rate
	--chart 3:single_rate --note '注：示例数据。')
export SOURCE_DATE_EPOCH=1659225600
pb-report --format docx -o "$tmp/bulletin.docx" --template "$tmp/prose.txt" "${opts[@]}" "${sections[@]}"
pb-report --format html -o "$tmp/bulletin.html" --template "$tmp/prose.txt" "${opts[@]}" "${sections[@]}"
pb-report --format xlsx -o "$tmp/bulletin.xlsx" "${opts[@]}" "${sections[@]}"

# hostile text: markup, ]]>, control characters and a 40,000-character cell
{
	printf 'district\tremark\tunits\n<b>&amp;</b>\t]]> <![CDATA[x]]> HOSTILE-OK\t1\n'
	printf 'ctl\ta\\tb\001c\007d\033e\177f\t2\n'
	printf '长\t%s\t3\n' "$(printf '长%.0s' $(seq 40000))"
} >"$tmp/hostile.tsv"
pb-report --format docx -o "$tmp/hostile.docx" --title 'T <&> ]]>' --chart units "$tmp/hostile.tsv"

office pdf "$tmp/bulletin.docx" "$tmp/hostile.docx"
t "LibreOffice converts the bulletin and the hostile document to PDF" test -s "$tmp/bulletin.pdf" -a -s "$tmp/hostile.pdf"
pdftotext -layout "$tmp/bulletin.pdf" "$tmp/bulletin.txt" 2>/dev/null

# the figures and the prose, as pb-report's html shows them (its cells and paragraphs)
t "the PDF holds every figure of the tables and the filled prose" python3 - "$tmp" <<'PY'
import sys, re, html
d = sys.argv[1]
pdf = re.sub(r'\s+', '', open(d + '/bulletin.txt', encoding='utf-8').read())
page = open(d + '/bulletin.html', encoding='utf-8').read()
cells = [html.unescape(c) for c in re.findall(r'<td[^>]*>([^<]*)</td>', page)]
prose = [html.unescape(p) for p in re.findall(r'<p>([^<]*)</p>', page.split('<div class="prose">')[1].split('</div>')[0])]
assert len(cells) > 100 and len(prose) == 2, (len(cells), prose)
missing = [c for c in cells if re.sub(r'\s+', '', c) not in pdf]
assert not missing, missing[:20]
for p in prose:
    assert re.sub(r'\s+', '', p) in pdf, p
for fig in ('47.0%', '45.0%', '71.43%', '第3位', '2022年7月党组织覆盖情况通报'):
    assert fig in pdf, fig
PY
t "the PDF's pages are A4" bash -c "pdfinfo '$tmp/bulletin.pdf' | grep -q 'Page size: *595.* x 841.* pts (A4)'"

pdftoppm -r 100 -f 1 -l 1 -png "$tmp/bulletin.pdf" "$tmp/page" 2>/dev/null
page1=$(ls "$tmp"/page*.png 2>/dev/null | head -1)
t "pdftoppm renders page 1: a real, not blank, A4 page" python3 - "${page1:-$tmp/none}" <<'PY'
import struct, sys
b = open(sys.argv[1], 'rb').read()
assert b[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
w, h = struct.unpack('>II', b[16:24])
assert abs(h / w - 297 / 210) < 0.01, (w, h)
assert len(b) > 30000, len(b)
PY

pdftotext "$tmp/hostile.pdf" "$tmp/hostile.txt" 2>/dev/null
t "hostile text opens: escaped markup and ]]> shown as written" python3 - "$tmp/hostile.txt" <<'PY'
import sys, re
text = open(sys.argv[1], encoding='utf-8').read()
flat = re.sub(r'\s+', '', text)
for want in ('T<&>]]>', '<b>&amp;</b>', ']]><![CDATA[x]]>HOSTILE-OK', 'abcdef'):
    assert want in flat, want
assert flat.count('长') > 39000, flat.count('长')
PY

# the workbook as Calc shows it: every sheet to CSV (UTF-8, cells as shown)
office 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1' "$tmp/bulletin.xlsx"
t "Calc shows in the xlsx exactly the figures pb-report shows" python3 - "$tmp" <<'PY'
import sys, re, csv, glob, html
d = sys.argv[1]
page = open(d + '/bulletin.html', encoding='utf-8').read()
tables = []
for tbl in re.findall(r'<table>(.*?)</table>', page, re.S):
    head = [html.unescape(c) for c in re.findall(r'<th[^>]*>([^<]*)</th>', tbl)]
    rows = [[html.unescape(c) for c in re.findall(r'<td[^>]*>([^<]*)</td>', tr)]
            for tr in re.findall(r'<tr[^>]*>(.*?)</tr>', tbl) if '<td' in tr]
    tables.append((head, rows))
files = sorted(f for f in glob.glob(d + '/bulletin-*.csv') if '图表数据' not in f)
assert len(files) == 3, files
sheets = {}
for f in files:
    sheets[f] = [r for r in csv.reader(open(f, encoding='utf-8'))]
for head, rows in tables:
    found = False
    for f, grid in sheets.items():
        for i, r in enumerate(grid):
            if r[:len(head)] == head:
                got = [g[:len(head)] for g in grid[i + 1:i + 1 + len(rows)]]
                assert got == rows, (f, [(a, b) for a, b in zip(got, rows) if a != b][:5])
                found = True
    assert found, head
PY

if [ -n "${REPORT_OFFICE_KEEP:-}" ]; then
	cp "$tmp/bulletin.pdf" "$tmp/hostile.pdf" "$REPORT_OFFICE_KEEP/" 2>/dev/null
	[ -n "$page1" ] && cp "$page1" "$REPORT_OFFICE_KEEP/bulletin-page1.png"
fi
