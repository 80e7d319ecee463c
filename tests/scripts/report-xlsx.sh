#!/usr/bin/env bash
# pb-report --format xlsx: unzips the workbook and checks its XML — a sheet per
# section with valid unique names, rates as numbers in a percent format, counts as
# numbers, frozen header, autofilter, fitted widths, a chart part, no formulas,
# text in the shared-string table — and that SOURCE_DATE_EPOCH makes it byte-reproducible.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
t() { # description, then a command
	local what=$1; shift
	n=$((n + 1))
	if "$@" >"$tmp/why" 2>&1; then echo "ok $n - $what"; else echo "not ok $n - $what"; sed 's/^/# /' "$tmp/why"; fi
}

cov=examples/report/coverage.tsv
rank=examples/report/rank.tsv
printf 'entity_id\tentity_name\tscore\n' >"$tmp/hostile.tsv"
printf '%s\t%s\t%s\n' h1 '=1+2' 3 h2 '@SUM(A1)' 2 h3 '<b>&"x"</b>' 1 >>"$tmp/hostile.tsv"

export SOURCE_DATE_EPOCH=1656547200 # 2022-06-30
build() {
	pb-report --format xlsx -o "$1" --title '覆盖情况通报' \
		--heading '一、分区县覆盖情况' --heading 'a/b:c*d?[e]' --heading '一、分区县覆盖情况' \
		--heading '这是一个非常非常非常非常非常非常非常非常非常非常非常非常长的标题啊啊啊' \
		--chart org_rate "$cov" "$rank" "$cov" "$tmp/hostile.tsv"
}
build "$tmp/a.xlsx" 2>"$tmp/err"; rc=$?
t "writes the workbook with -o, silently" test $rc -eq 0 -a -s "$tmp/a.xlsx" -a ! -s "$tmp/err"
sleep 1
build "$tmp/b.xlsx"
t "byte-identical on a second run with SOURCE_DATE_EPOCH" cmp "$tmp/a.xlsx" "$tmp/b.xlsx"
t "no temporary file left beside it" test "$(ls "$tmp" | grep -c tmp)" -eq 0
mkdir "$tmp/x"
t "unzips" unzip -q "$tmp/a.xlsx" -d "$tmp/x"

py() { python3 - "$tmp/x" "$@"; }
t "a sheet per section, names valid, unique and at most 31 characters" py <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
wb = ET.parse(sys.argv[1] + '/xl/workbook.xml')
names = [s.get('name') for s in wb.getroot().iter('{%s}sheet' % ns['m'])]
print(names)
assert len(names) == 4, names
assert names[0] == '一、分区县覆盖情况'
assert all(len(x) <= 31 and not any(c in x for c in '[]:*?/\\') for x in names)
assert len({x.lower() for x in names}) == 4
assert names[2] == '一、分区县覆盖情况(2)', names[2]
assert names[1] == 'a_b_c_d__e_', names[1]
assert len(names[3]) == 31 and names[3].startswith('这是一个非常'), names[3]
PY

# the workbook's number formats and its first sheet, for the checks below (python3 - DIR)
styles='import sys, xml.etree.ElementTree as ET
M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
d = sys.argv[1]
st = ET.parse(d + "/xl/styles.xml").getroot()
fmts = {f.get("numFmtId"): f.get("formatCode") for f in st.iter(M + "numFmt")}
xfs = [x.get("numFmtId") for x in st.find(M + "cellXfs")]
sh = ET.parse(d + "/xl/worksheets/sheet1.xml").getroot()
'
with_styles() { python3 - "$@" <<<"$styles$(cat)"; }
t "rate cells are numbers in a 0.0% format, counts plain numbers, pp signed" with_styles "$tmp/x" <<'PY'
hdr = None
cells = {}
for c in sh.iter(M + 'c'):
    cells[c.get('r')] = c
def fmt(ref):
    return fmts.get(xfs[int(cells[ref].get('s', 0))])
# title row 1, heading row 2, blank, header row 4, data from row 5; K = org_rate, C = units, N = pp
k5 = cells['K5']
assert k5.get('t') is None and abs(float(k5.find(M + 'v').text) - 0.833333) < 1e-9, ET.tostring(k5)
assert fmt('K5') == '0.0%', fmt('K5')
assert fmt('K9') == '0.0%'  # the total row too
c5 = cells['C5']
assert c5.get('t') is None and c5.find(M + 'v').text == '120'
assert fmt('N5') == '[>=0.05]+0.0;[<=-0.05]-0.0;0.0', fmt('N5')  # no -0.0 for a tiny negative
assert cells['A5'].get('t') == 's'
PY

t "header row frozen, autofilter over the table, widths fitted" py <<'PY'
import sys, xml.etree.ElementTree as ET
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
sh = ET.parse(sys.argv[1] + '/xl/worksheets/sheet1.xml').getroot()
pane = sh.find('.//' + M + 'pane')
assert pane is not None and pane.get('state') == 'frozen' and pane.get('ySplit') == '4', ET.tostring(pane)
af = sh.find(M + 'autoFilter')
assert af is not None and af.get('ref') == 'A4:N9', af.get('ref')
cols = sh.find(M + 'cols')
assert cols is not None and len(cols) == 14
w = {int(c.get('min')): float(c.get('width')) for c in cols}
assert w[2] > w[3], w          # 物业住宅小区 is wider than 单位数 / numbers
assert w[14] >= 24, w          # the long pp header label
PY

t "a native column chart part for --chart" py <<'PY'
import sys, os, re
d = sys.argv[1]
x = open(d + '/xl/charts/chart1.xml', encoding='utf-8').read()
assert '<c:barChart>' in x and '<c:barDir val="col"/>' in x, x[:300]
assert re.search(r"<c:f>'?一、分区县覆盖情况'?!\$K\$5:\$K\$8</c:f>", x), re.findall(r'<c:f>[^<]*', x)
assert os.path.exists(d + '/xl/drawings/drawing1.xml')
PY

t "no formula anywhere; text in sharedStrings, never inline" py <<'PY'
import sys, glob
d = sys.argv[1]
for f in glob.glob(d + '/xl/worksheets/*.xml'):
    x = open(f, encoding='utf-8').read()
    assert '<f>' not in x and '<f ' not in x, f
    assert 't="str"' not in x and 't="inlineStr"' not in x, f
ss = open(d + '/xl/sharedStrings.xml', encoding='utf-8').read()
for s in ('=1+2', '@SUM(A1)', '&lt;b&gt;&amp;"x"&lt;/b&gt;', '物业住宅小区', '合计', '组织覆盖率'):
    assert s in ss, s
PY

t "created property is SOURCE_DATE_EPOCH" grep -q '<dcterms:created xsi:type="dcterms:W3CDTF">2022-06-30T00:00:00Z</dcterms:created>' "$tmp/x/docProps/core.xml"

t "totals row is bold" py <<'PY'
import sys, xml.etree.ElementTree as ET
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
d = sys.argv[1]
st = ET.parse(d + '/xl/styles.xml').getroot()
fonts = list(st.find(M + 'fonts'))
xfs = list(st.find(M + 'cellXfs'))
sh = ET.parse(d + '/xl/worksheets/sheet1.xml').getroot()
cells = {c.get('r'): c for c in sh.iter(M + 'c')}
def bold(ref):
    f = fonts[int(xfs[int(cells[ref].get('s', 0))].get('fontId', 0))]
    return f.find(M + 'b') is not None
assert bold('A9') and bold('C9') and bold('K9') and not bold('C5')
PY

pb-report --format xlsx "$cov" >"$tmp/o" 2>"$tmp/e"; rc=$?
t "xlsx without -o is a usage error" test $rc -eq 2 -a ! -s "$tmp/o"

# hostile text: over Excel's 32,767 characters (libxlsxwriter would drop the cell),
# a literal "_x0041_" (a spreadsheet would read it as "A"), control characters; and a
# score column whose values differ only in the third decimal
python3 - "$tmp/odd.tsv" <<'PY'
import sys
with open(sys.argv[1], 'w', encoding='utf-8') as f:
    f.write('unit_name\tremark\tscore\n')
    f.write('长\t' + '长' * 40000 + '\t0.934694\n')
    f.write('x\t_x0041_ and _x00e9_\t0.930481\n')
    f.write('y\tbell\x07here\t0.5\n')
PY
pb-report --format xlsx -o "$tmp/odd.xlsx" "$tmp/odd.tsv" 2>"$tmp/err"; rc=$?
t "hostile text: written silently" test $rc -eq 0 -a ! -s "$tmp/err"
mkdir "$tmp/y"
unzip -q "$tmp/odd.xlsx" -d "$tmp/y"
t "a cell over 32,767 characters is cut (ending …), not dropped; _xHHHH_ kept literally" python3 - "$tmp/y" <<'PY'
import sys, re, xml.etree.ElementTree as ET
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
d = sys.argv[1]
ss = [''.join(t.text or '' for t in si.iter(M + 't')) for si in ET.parse(d + '/xl/sharedStrings.xml').getroot()]
sh = ET.parse(d + '/xl/worksheets/sheet1.xml').getroot()
cells = {c.get('r'): c for c in sh.iter(M + 'c')}
def text(ref):
    c = cells[ref]
    assert c.get('t') == 's', ET.tostring(c)
    return ss[int(c.find(M + 'v').text)]
long = text('B2')
assert len(long) == 32767 and long.endswith('\u2026') and set(long[:-1]) == {'长'}, len(long)
# Excel decodes _xHHHH_ in the stored text; _x005F_ is '_', so what it shows is the input
raw = text('B3')
shown = re.sub(r'_x([0-9A-Fa-f]{4})_', lambda m: chr(int(m.group(1), 16)), raw)
assert shown == '_x0041_ and _x00e9_', (raw, shown)
PY
t "a score column whose values need three decimals gets a 0.000 format" with_styles "$tmp/y" <<'PY'
cells = {c.get('r'): c for c in sh.iter(M + 'c')}
for ref in ('C2', 'C3', 'C4'):
    assert fmts.get(xfs[int(cells[ref].get('s', 0))]) == '0.000', ref
assert cells['C2'].find(M + 'v').text == '0.934694'
PY
t "a rate chart's value axis runs from 0 to 100%, as the HTML chart's bars do" \
	grep -q '<c:valAx><c:axId val="[0-9]*"/><c:scaling><c:orientation val="minMax"/><c:max val="1"/><c:min val="0"/></c:scaling>' "$tmp/x/xl/charts/chart1.xml"

# numbers: the workbook stores the full value (never one rounded for display), to the
# 16 significant digits libxlsxwriter writes (Excel shows 15)
pb-report --format xlsx -o "$tmp/num.xlsx" tests/cli/report-numbers/cov.tsv
mkdir "$tmp/num"
unzip -q "$tmp/num.xlsx" -d "$tmp/num"
t "full values stored: 836/1003 and 6/7 - 4/6, not the figures shown" python3 - "$tmp/num" <<'PY'
import sys, xml.etree.ElementTree as ET
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
sh = ET.parse(sys.argv[1] + '/xl/worksheets/sheet1.xml').getroot()
cells = {c.get('r'): c.find(M + 'v').text for c in sh.iter(M + 'c') if c.find(M + 'v') is not None}
for ref, v in (('D3', 0.8334995014955134), ('E2', 19.047619047619047), ('F2', 2.35), ('D4', 0.8335)):
    assert cells[ref] == '%.16G' % v, (ref, cells[ref])
PY
