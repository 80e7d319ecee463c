#!/usr/bin/env bash
# pb-report --format docx: unzips the Word package and checks its XML against GB/T
# 9704's layout (A4, margins, faces and sizes), the tables (header repeated, numbers
# right-aligned, totals bold), the chart (PNG with the SVG beside it), the prose,
# escaping of hostile text, a landscape page for a wide table, and that
# SOURCE_DATE_EPOCH makes the bytes the same on every run. Also the xlsx print setup
# and charts that the bulletin relies on. LibreOffice opens them in report-office.sh.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
t() { local what=$1; shift; if "$@" >"$tmp/why" 2>&1; then ok "$what"; else notok "$what" "$tmp/why"; fi; }

cov=tests/cli/report-order/rollup.tsv
rank=tests/cli/report-order/rank-district.tsv
cat >"$tmp/prose.txt" <<'EOF'
全市单位{1:合计:units}个，单独组建率{1:合计:single_rate}。

排名第一的是{2:顺德区:district}，单独组建率{2:顺德区:single_rate}。
EOF
export SOURCE_DATE_EPOCH=1656547200 # 2022-06-30
build() {
	pb-report --format docx -o "$1" --title '2022年上半年党组织覆盖情况通报' --subtitle '截至2022年6月30日' \
		--template "$tmp/prose.txt" --heading '一、覆盖情况' --heading '二、排名' \
		--columns 2:district,single_rate,rank,flag --chart 1:single_rate --chart 2:single_rate \
		--note '注：示例数据。' "$cov" "$rank"
}
for run in a b; do # a second run, a second later, gives the same bytes
	build "$tmp/$run.docx" 2>"$tmp/$run.err" || echo "exit $?" >>"$tmp/$run.err"
	[ $run = a ] && sleep 1
done
t "writes the document with -o, silently" test -s "$tmp/a.docx" -a ! -s "$tmp/a.err"
t "byte-identical on a second run with SOURCE_DATE_EPOCH" cmp "$tmp/a.docx" "$tmp/b.docx"
t "no temporary file left beside it" test "$(ls "$tmp" | grep -c tmp)" -eq 0
t "unzips" unzip -q "$tmp/a.docx" -d "$tmp/x"
t "zip times are SOURCE_DATE_EPOCH's" bash -c "unzip -Z -T '$tmp/a.docx' | grep -c ' 20220630\.000000 ' | grep -qx \$(unzip -Z1 '$tmp/a.docx' | wc -l)"

py() { python3 - "$tmp/x" "$@"; }
t "every part is well-formed XML and every relationship resolves" py <<'PY'
import sys, os, glob, xml.etree.ElementTree as ET
d = sys.argv[1]
for f in glob.glob(d + '/**/*.xml', recursive=True) + glob.glob(d + '/**/*.rels', recursive=True) + glob.glob(d + '/[[]Content_Types[]].xml'):
    ET.parse(f)
R = '{http://schemas.openxmlformats.org/package/2006/relationships}'
for rels in glob.glob(d + '/**/_rels/*.rels', recursive=True):
    base = os.path.dirname(os.path.dirname(rels))
    for r in ET.parse(rels).getroot().iter(R + 'Relationship'):
        assert os.path.exists(os.path.join(base, r.get('Target'))), r.get('Target')
PY

t "A4 portrait, margins 37/35/28/26 mm, 22 lines a page, page numbers in the footer" py <<'PY'
import sys, xml.etree.ElementTree as ET
W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
body = ET.parse(sys.argv[1] + '/word/document.xml').getroot().find(W + 'body')
sect = body[-1]
assert sect.tag == W + 'sectPr'
sz = sect.find(W + 'pgSz'); m = sect.find(W + 'pgMar')
assert (sz.get(W + 'w'), sz.get(W + 'h'), sz.get(W + 'orient')) == ('11906', '16838', None)
mm = lambda tw: round(int(tw) / 1440 * 25.4)
assert [mm(m.get(W + k)) for k in ('top', 'bottom', 'left', 'right')] == [37, 35, 28, 26]
assert sect.find(W + 'docGrid').get(W + 'linePitch') == '579'
assert sect.find(W + 'footerReference') is not None
ftr = open(sys.argv[1] + '/word/footer1.xml', encoding='utf-8').read()
assert 'PAGE' in ftr and '— ' in ftr
PY

t "title 方正小标宋简体 二号, body 仿宋_GB2312 三号, headings 黑体, fallbacks in the font table" py <<'PY'
import sys, xml.etree.ElementTree as ET
W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
st = ET.parse(sys.argv[1] + '/word/styles.xml').getroot()
rpr = st.find(W + 'docDefaults').find(W + 'rPrDefault').find(W + 'rPr')
assert rpr.find(W + 'rFonts').get(W + 'eastAsia') == '仿宋_GB2312'
assert rpr.find(W + 'sz').get(W + 'val') == '32'   # 三号 16 pt
styles = {s.get(W + 'styleId'): s for s in st.iter(W + 'style')}
title = styles['PbTitle'].find(W + 'rPr')
assert title.find(W + 'rFonts').get(W + 'eastAsia') == '方正小标宋简体'
assert title.find(W + 'sz').get(W + 'val') == '44'  # 二号 22 pt
assert styles['PbHeading'].find(W + 'rPr').find(W + 'rFonts').get(W + 'eastAsia') == '黑体'
fonts = {f.get(W + 'name'): f for f in ET.parse(sys.argv[1] + '/word/fontTable.xml').getroot()}
for name, alt in (('仿宋_GB2312', '仿宋'), ('方正小标宋简体', '宋体'), ('黑体', 'SimHei')):
    assert fonts[name].find(W + 'altName').get(W + 'val') == alt, name
PY

t "the title, subtitle, filled prose, headings and notes in order" py <<'PY'
import sys, xml.etree.ElementTree as ET
W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
body = ET.parse(sys.argv[1] + '/word/document.xml').getroot().find(W + 'body')
paras = []
for p in body.iter(W + 'p'):
    ps = p.find(W + 'pPr/' + W + 'pStyle')
    if ps is not None and ps.get(W + 'val') != 'PbTable':
        paras.append((ps.get(W + 'val'), ''.join(t.text or '' for t in p.iter(W + 't'))))
want = [('PbTitle', '2022年上半年党组织覆盖情况通报'), ('PbSubtitle', '截至2022年6月30日'),
        ('PbBody', '全市单位66个，单独组建率47.0%。'), ('PbBody', '排名第一的是顺德区，单独组建率57.9%。'),
        ('PbHeading', '一、覆盖情况'), ('PbFigure', ''), ('PbHeading', '二、排名'), ('PbFigure', ''),
        ('PbNote', '注：示例数据。'), ('PbDate', '生成日期：2022-06-30')]
assert paras == want, paras
PY

t "tables: header row repeated, numbers right-aligned, totals bold, every figure as the text report shows it" \
	py "$(env -u SOURCE_DATE_EPOCH pb-report --columns 2:district,single_rate,rank,flag "$cov" "$rank")" <<'PY'
import sys, re, xml.etree.ElementTree as ET
W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
body = ET.parse(sys.argv[1] + '/word/document.xml').getroot().find(W + 'body')
tables = body.findall(W + 'tbl')
assert len(tables) == 2
cells_seen = []
for tbl in tables:
    rows = tbl.findall(W + 'tr')
    assert rows[0].find(W + 'trPr/' + W + 'tblHeader') is not None
    assert all(r.find(W + 'trPr/' + W + 'tblHeader') is None for r in rows[1:])
    for r in rows[1:]:
        texts = []
        for tc in r.findall(W + 'tc'):
            text = ''.join(t.text or '' for t in tc.iter(W + 't'))
            jc = tc.find('.//' + W + 'jc').get(W + 'val')
            if re.fullmatch(r'[-+]?[0-9.]+%?', text):
                assert jc == 'right', (text, jc)
            texts.append(text)
            cells_seen.append(text)
        bold = [tc.find('.//' + W + 'b') is not None for tc in r.findall(W + 'tc') if ''.join(t.text or '' for t in tc.iter(W + 't'))]
        assert all(bold) == ('合计' in texts) and any(bold) == ('合计' in texts), texts
text_report = sys.argv[2]
for line in text_report.split('\n'):
    for cell in re.split(r'\s{2,}', line.strip()):
        if cell and not set(cell) <= set('-') and cell not in ('一、覆盖情况',):
            assert cell in cells_seen or cell in ('区县', '单位类型', '单位数', '单独组建', '联合组建', '工作覆盖', '空白', '组织覆盖率', '单独组建率', '排名', '标记'), cell
PY

t "charts: a PNG with the SVG beside it (svgBlip)" py <<'PY'
import sys, os, xml.etree.ElementTree as ET
d = sys.argv[1]
doc = open(d + '/word/document.xml', encoding='utf-8').read()
assert doc.count('<w:drawing>') == 2 and doc.count('svgBlip') == 2
for n in (1, 2):
    png = open(d + '/word/media/chart%d.png' % n, 'rb').read()
    assert png[:8] == b'\x89PNG\r\n\x1a\n' and len(png) > 5000
    svg = ET.parse(d + '/word/media/chart%d.svg' % n).getroot()
    assert svg.tag.endswith('svg')
ct = open(d + '/[Content_Types].xml', encoding='utf-8').read()
assert 'Extension="png"' in ct and 'Extension="svg"' in ct
PY

t "created property is SOURCE_DATE_EPOCH" grep -q '<dcterms:created xsi:type="dcterms:W3CDTF">2022-06-30T00:00:00Z</dcterms:created>' "$tmp/x/docProps/core.xml"

# hostile text: markup, ]]>, control characters, a 40,000-character cell, in cells,
# the title, a heading, a note and the prose
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
with open(d + '/hostile.tsv', 'w', encoding='utf-8') as f:
    f.write('district\tremark\tunits\n')
    f.write('<b>&amp;</b>\t]]> <![CDATA[x]]>\t1\n')
    f.write('ctl\ta\\tb\x01c\x07d\x1be\x7ff\t2\n')
    f.write('长\t' + '长' * 40000 + '\t3\n')
with open(d + '/hostile.txt', 'w', encoding='utf-8') as f:
    f.write('备注{1:<b>&amp;</b>:remark}，\x08单位{1:ctl:units}个。\n')
PY
pb-report --format docx -o "$tmp/h.docx" --title "T <&> ]]> \"q\" 's" --heading 'H <i>' \
	--note 'N & <x/>' --template "$tmp/hostile.txt" --chart units "$tmp/hostile.tsv" 2>"$tmp/err"
rc=$?
t "hostile text: written silently" test $rc -eq 0 -a ! -s "$tmp/err"
mkdir "$tmp/h"
unzip -q "$tmp/h.docx" -d "$tmp/h"
t "hostile text: escaped, control characters removed, nothing lost or cut" python3 - "$tmp/h" <<'PY'
import sys, re, xml.etree.ElementTree as ET
d = sys.argv[1]
raw = open(d + '/word/document.xml', 'rb').read()
assert not re.search(rb'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]', raw), 'a control character in the XML'
W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
body = ET.fromstring(raw).find(W + 'body')
texts = [''.join(t.text or '' for t in p.iter(W + 't')) for p in body.iter(W + 'p')]
for want in ('T <&> ]]> "q" \'s', 'H <i>', 'N & <x/>', '备注]]> <![CDATA[x]]>，单位2个。', '<b>&amp;</b>',
             'a bcdef', '长' * 40000):
    assert want in texts, (want[:40], [t[:40] for t in texts])
core = open(d + '/docProps/core.xml', encoding='utf-8').read()
assert 'T &lt;&amp;&gt; ]]&gt;' in core
ET.parse(d + '/word/media/chart1.svg')
PY

# a table too wide for a portrait page goes on a landscape one; the pages around it stay portrait
python3 - "$tmp/wide.tsv" <<'PY'
import sys
cols = ['district'] + ['indicator_%02d' % i for i in range(14)]
with open(sys.argv[1], 'w') as f:
    f.write('\t'.join(cols) + '\n')
    for d in ('禅城区', '南海区'):
        f.write('\t'.join([d] + [str(1234567 + i) for i in range(14)]) + '\n')
PY
pb-report --format docx -o "$tmp/w.docx" --title W --note after tests/cli/report-numbers/cov.tsv "$tmp/wide.tsv" tests/cli/report-numbers/cov.tsv
mkdir "$tmp/w"
unzip -q "$tmp/w.docx" -d "$tmp/w"
t "a wide table on a landscape page between portrait ones" python3 - "$tmp/w" <<'PY'
import sys, xml.etree.ElementTree as ET
W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
body = ET.parse(sys.argv[1] + '/word/document.xml').getroot().find(W + 'body')
sects = [s for s in body.iter(W + 'sectPr')]
orient = [s.find(W + 'pgSz').get(W + 'orient') for s in sects]
assert orient == [None, 'landscape', None], orient
# the portrait pages hold the narrow tables, the landscape one the wide table
seq = []
for el in body:
    if el.tag == W + 'tbl':
        seq.append(len(el.find(W + 'tblGrid')))
    elif el.find('.//' + W + 'sectPr') is not None or el.tag == W + 'sectPr':
        seq.append('|')
assert seq == [6, '|', 15, '|', 6, '|'], seq
PY

# xlsx: a wide sheet prints landscape, one page wide, its header on every page; the
# chart below the table; a rollup's chart reads its rows without subtotals from the
# hidden data sheet; a trend is a native line chart with a series per group
pb-report --format xlsx -o "$tmp/t.xlsx" --chart 1:single_rate --chart 2:single_rate \
	"$cov" tests/cli/report-trend/trend.tsv "$tmp/wide.tsv"
mkdir "$tmp/t"
unzip -q "$tmp/t.xlsx" -d "$tmp/t"
t "xlsx: print setup, charts below the tables, no totals in charts, a line chart for a trend" python3 - "$tmp/t" <<'PY'
import sys, re, xml.etree.ElementTree as ET
d = sys.argv[1]
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
X = '{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}'
wb = ET.parse(d + '/xl/workbook.xml').getroot()
sheets = [(s.get('name'), s.get('state')) for s in wb.iter(M + 'sheet')]
assert sheets == [('表1', None), ('表2', None), ('表3', None), ('图表数据', 'hidden')], sheets
titles = [n.text for n in wb.iter(M + 'definedName') if n.get('name') == '_xlnm.Print_Titles']
assert len(titles) == 3, titles
def sheet(n):
    return ET.parse(d + '/xl/worksheets/sheet%d.xml' % n).getroot()
for n, orient in ((1, 'landscape'), (2, None), (3, 'landscape')):  # over 8 columns: landscape
    s = sheet(n)
    ps = s.find(M + 'pageSetup')
    assert ps.get('paperSize') == '9' and ps.get('fitToHeight') == '0', (n, ps.attrib)
    assert ps.get('orientation') in ((orient,) if orient else (None, 'portrait')), (n, ps.attrib)
    assert s.find(M + 'sheetPr/' + M + 'pageSetUpPr').get('fitToPage') == '1'
# the chart's top-left cell is below the table, in the first column
for n, table_end in ((1, 15), (2, 10)):  # the last row of the table (0-based)
    dr = ET.parse(d + '/xl/drawings/drawing%d.xml' % n).getroot()
    row = int(dr.find('.//' + X + 'from/' + X + 'row').text)
    col = int(dr.find('.//' + X + 'from/' + X + 'col').text)
    assert row > table_end and col == 0, (n, row, col)
c1 = open(d + '/xl/charts/chart1.xml', encoding='utf-8').read()
assert '<c:barChart>' in c1 and "图表数据" in c1
data = sheet(4)
vals = [c for c in data.iter(M + 'c') if c.get('r').startswith('B') and c.get('t') != 's']
assert len(vals) >= 11
c2 = open(d + '/xl/charts/chart2.xml', encoding='utf-8').read()
assert '<c:lineChart>' in c2 and c2.count('<c:ser>') == 3, c2.count('<c:ser>')
PY
