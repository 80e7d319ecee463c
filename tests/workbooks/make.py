#!/usr/bin/env python3
"""Makes the workbooks pb-import's tests read, the way an office makes them.

The sheets are written here as flat OpenDocument spreadsheets (*.fods, kept
beside this script so a reader can open them), then LibreOffice converts them:
  soffice --headless --convert-to xlsx            (Office Open XML, as Excel saves)
  soffice --headless --convert-to 'xls:MS Excel 97' (BIFF8, as old Excel and WPS save)
Two things LibreOffice will not make are done by hand afterwards, and said:
  - a hidden sheet: headless LibreOffice writes every sheet state="visible",
    so the script sets state="hidden" on the 说明 sheet in xl/workbook.xml,
    exactly as Excel writes a hidden sheet;
  - hostile workbooks (a zip bomb, a missing sharedStrings part, a cell past
    XFD1048576, malformed XML, a cut-off file), derived from the register.
The results are copied into the tests/cli/import-wb-* cases that read them, and
the register to examples/data/非公台账.xlsx (the demo and the README start from it).

Run from the repository root:  python3 tests/workbooks/make.py
Needs python3 and soffice (Debian: libreoffice-calc-nogui).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.path.join(HERE, "..", "cli")

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:automatic-styles>
  <number:date-style style:name="Nymd"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
  <number:date-style style:name="Ncn"><number:year number:style="long"/><number:text>年</number:text><number:month/><number:text>月</number:text><number:day/><number:text>日</number:text></number:date-style>
  <style:style style:name="date" style:family="table-cell" style:data-style-name="Nymd"/>
  <style:style style:name="datecn" style:family="table-cell" style:data-style-name="Ncn"/>
  <style:style style:name="border" style:family="table-cell"><style:table-cell-properties fo:border="0.06pt solid #000000"/></style:style>
 </office:automatic-styles>
 <office:body>
  <office:spreadsheet>
"""
TAIL = """  </office:spreadsheet>
 </office:body>
</office:document>
"""


def S(text):
    """A text cell (numbers typed as text stay text)."""
    return ("string", text)


def D(iso, style="date"):
    """A date cell: the file stores a serial day number with a date format."""
    return ("date", iso, style)


def F(formula, value, kind="float"):
    """A formula with its cached value."""
    return ("formula", formula, value, kind)


def cell_xml(c):
    if c is None:
        return "<table:table-cell/>"
    if c == "border":
        return '<table:table-cell table:style-name="border"/>'
    if isinstance(c, bool):
        return ('<table:table-cell office:value-type="boolean" office:boolean-value="%s"><text:p>%s</text:p></table:table-cell>'
                % ("true" if c else "false", "TRUE" if c else "FALSE"))
    if isinstance(c, (int, float)):
        return '<table:table-cell office:value-type="float" office:value="%r"><text:p>%r</text:p></table:table-cell>' % (c, c)
    if c[0] == "string":
        return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % escape(c[1])
    if c[0] == "date":
        return ('<table:table-cell table:style-name="%s" office:value-type="date" office:date-value="%s"><text:p>%s</text:p></table:table-cell>'
                % (c[2], c[1], c[1]))
    if c[0] == "formula":
        _, f, v, kind = c
        if kind == "string":
            return ('<table:table-cell table:formula="%s" office:value-type="string" office:string-value="%s"><text:p>%s</text:p></table:table-cell>'
                    % (escape(f, {'"': "&quot;"}), escape(v), escape(v)))
        return ('<table:table-cell table:formula="%s" office:value-type="float" office:value="%r"><text:p>%r</text:p></table:table-cell>'
                % (escape(f, {'"': "&quot;"}), v, v))
    raise ValueError(c)


def table_xml(name, rows, merges=()):
    """rows: lists of cells (None empty); merges: (row1, col1, row2, col2), 0-based, inclusive."""
    covered = set()
    span = {}
    for r1, c1, r2, c2 in merges:
        span[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    covered.add((r, c))
    out = ['   <table:table table:name="%s">' % escape(name)]
    if not rows:
        rows = [[None]]
    for r, row in enumerate(rows):
        out.append("    <table:table-row>")
        for c, cell in enumerate(row):
            if (r, c) in covered:
                out.append("     <table:covered-table-cell/>")
                continue
            x = cell_xml(cell)
            if (r, c) in span:
                rs, cs = span[(r, c)]
                x = x.replace("<table:table-cell", '<table:table-cell table:number-rows-spanned="%d" table:number-columns-spanned="%d"' % (rs, cs), 1)
            out.append("     " + x)
        out.append("    </table:table-row>")
    out.append("   </table:table>")
    return "\n".join(out) + "\n"


def fods(path, sheets, null_date=None):
    body = ""
    if null_date:
        body += '   <table:calculation-settings><table:null-date table:date-value="%s"/></table:calculation-settings>\n' % null_date
    for s in sheets:
        body += table_xml(*s)
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEAD + body + TAIL)


# A city register as a 组织部 keeps it: a hidden note sheet, two title rows,
# a header on two rows under the group cell 党组织情况, districts and towns
# merged down their rows, a number typed as text, a formula, dates as dates
# and as text, an office wording (单独建), an instructor's organization on a
# work row, a bad count, a region without its suffix (禅城 / 禅城区), and
# bordered empty rows at the bottom.
B = "border"
REGISTER = [
    [S("佛山市非公企业和社会组织党组织覆盖情况台账")] + [None] * 7,
    [S("填报单位：区委组织部　　截至2023年6月30日")] + [None] * 7,
    [S("序号"), S("单位名称"), S("所属区"), S("所属镇街"), S("党组织情况"), None, S("党员数"), S("成立时间")],
    [None, None, None, None, S("组建方式"), S("党组织名称"), None, None],
    [1, S("佛山市甲科技有限公司"), S("南海区"), S("桂城街道"), S("单独组建"), S("甲科技党支部"), 5, D("2021-07-01")],
    [2, S("乙物流有限公司"), None, None, S("联合组建"), S("桂城物流联合党支部"), S("3"), D("2022-06-12", "datecn")],
    [3, S("丙商会"), None, S("大沥镇"), S("单独建"), S("丙商会党支部"), F("of:=[.G5]+1", 6), S("2020年5月")],
    [4, S("丁餐饮店"), None, None, S("选派党建工作指导员"), S("大沥镇非公经济组织党委"), 1, None],
    [5, S("戊建设项目"), S("禅城区"), S("祖庙街道"), S("联合组建"), S("桂城物流联合党支部"), 2, D("2022-06-12")],
    [6, S("己小区"), None, None, S("未组建"), None, 0, None],
    [7, S("庚贸易公司"), S("禅城"), S("祖庙街道"), S("空白"), None, S("三"), None],
    [B] * 8,
    [B] * 8,
]
REGISTER_MERGES = [(0, 0, 0, 7), (1, 0, 1, 7),
                   (2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 3, 2), (2, 3, 3, 3), (2, 4, 2, 5), (2, 6, 3, 6), (2, 7, 3, 7),
                   (4, 2, 7, 2), (4, 3, 5, 3), (6, 3, 7, 3), (8, 2, 9, 2), (8, 3, 9, 3)]

NOTE = [[S("填表说明：本表由各镇街每月5日前报送")]]

# the same dates in a 1904 workbook (Excel for Mac's old default)
DATES = [
    [S("单位名称"), S("组建方式"), S("党组织名称"), S("成立时间"), S("竣工时间")],
    [S("甲项目"), S("联合组建"), S("项目联合党支部"), D("2022-06-12"), D("2027-12-31")],
    [S("乙项目"), S("联合组建"), S("项目联合党支部"), D("1999-12-31"), D("2024-02-29")],
]

# cells of every kind, read raw
VALUES = [
    [S("文本数字"), S("整数"), S("小数"), S("大数"), S("很小"), S("负数"), S("布尔"), S("公式文本"), S("公式错误")],
    [S("0012"), 12, 0.1, 123456789012345, 1e-07, -3.5, True, F('of:=CONCATENATE("南";"海")', "南海", "string"), F("of:=1/0", 0)],
    [S("3.10"), 1835, 0.30000000000000004, 1e+20, 2.5e-05, -0.25, False, F('of:="x"&"y"', "xy", "string"), None],
]


def convert(src, outdir, fmt):
    profile = tempfile.mkdtemp(prefix="pb-lo-")
    try:
        subprocess.run(["soffice", "--headless", "-env:UserInstallation=file://" + profile,
                        "--convert-to", fmt, "--outdir", outdir, src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def rewrite(src, dst, edit):
    """Copies a zip, letting edit(name, data) change or drop (None) each part."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = edit(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info, data)


def hide_note_sheet(name, data):
    if name == "xl/workbook.xml":
        data = data.replace('<sheet name="说明" sheetId="1" state="visible"'.encode(),
                            '<sheet name="说明" sheetId="1" state="hidden"'.encode())
        assert b'state="hidden"' in data
    return data


def sheet_part(name):
    return name == "xl/worksheets/sheet2.xml"


def main():
    os.chdir(os.path.join(HERE, "..", ".."))
    if not shutil.which("soffice"):
        sys.exit("make.py: soffice not found (apt-get install libreoffice-calc-nogui)")
    fods(os.path.join(HERE, "台账.fods"),
         [("说明", NOTE), ("台账", REGISTER, REGISTER_MERGES), ("空表", [])])
    fods(os.path.join(HERE, "日期1904.fods"), [("Sheet1", DATES)], null_date="1904-01-01")
    fods(os.path.join(HERE, "数值.fods"), [("数值", VALUES)])
    tmp = tempfile.mkdtemp(prefix="pb-wb-")
    try:
        for name in ("台账", "日期1904", "数值"):
            convert(os.path.join(HERE, name + ".fods"), tmp, "xlsx")
        convert(os.path.join(HERE, "台账.fods"), tmp, "xls:MS Excel 97")
        reg = os.path.join(tmp, "台账.xlsx")
        rewrite(reg, os.path.join(tmp, "register.xlsx"), hide_note_sheet)
        reg = os.path.join(tmp, "register.xlsx")
        # hostile: 60 MB of spaces in a comment deflate to almost nothing
        pad = b"<!--" + b" " * (60 << 20) + b"-->"
        rewrite(reg, os.path.join(tmp, "bomb.xlsx"),
                lambda n, d: d.replace(b"</worksheet>", pad + b"</worksheet>") if sheet_part(n) else d)
        rewrite(reg, os.path.join(tmp, "no-sst.xlsx"),
                lambda n, d: None if n == "xl/sharedStrings.xml" else d)
        rewrite(reg, os.path.join(tmp, "past-xfd.xlsx"),
                lambda n, d: d.replace(b'r="B7"', b'r="XFE7"', 1) if sheet_part(n) else d)
        rewrite(reg, os.path.join(tmp, "malformed.xlsx"),
                lambda n, d: d.replace(b'</c></row><row r="9"', b'</c></rox><row r="9"', 1) if sheet_part(n) else d)
        with open(reg, "rb") as f:
            whole = f.read()
        with open(os.path.join(tmp, "truncated.xlsx"), "wb") as f:
            f.write(whole[: len(whole) // 2])
        copies = {
            "import-wb-register": ["register.xlsx"],
            "import-wb-sheets": ["register.xlsx"],
            "import-wb-xls": ["台账.xls"],
            "import-wb-1904": ["日期1904.xlsx"],
            "import-wb-values": ["数值.xlsx"],
            "import-wb-hostile": ["bomb.xlsx", "no-sst.xlsx", "past-xfd.xlsx", "malformed.xlsx", "truncated.xlsx"],
        }
        for case, files in copies.items():
            os.makedirs(os.path.join(CLI, case), exist_ok=True)
            for f in files:
                shutil.copyfile(os.path.join(tmp, f), os.path.join(CLI, case, f))
        os.makedirs("examples/data", exist_ok=True)
        shutil.copyfile(reg, "examples/data/非公台账.xlsx")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
