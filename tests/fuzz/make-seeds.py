#!/usr/bin/env python3
"""Writes the seed corpora tests/fuzz/corpus/NAME/ from pb's own test inputs:
every file a golden case (tests/cli/*/) has or makes when it runs, its
expected output, the CSV conformance suite, and the head of each example
register, trimmed to a few lines and prefixed with the option bytes each
harness reads (see the comment at the top of tests/fuzz/fuzz_NAME.c).

Run from the top of the tree with bin/ built:
    python3 tests/fuzz/make-seeds.py [DIR]
It writes DIR/NAME/ (default tests/fuzz/corpus, replacing the corpora). The
committed corpora are these seeds reduced by libFuzzer (-merge=1 into an empty
folder keeps the inputs that add coverage); `make fuzz FUZZ_KEEP=1` merges
what later fuzzing adds.
"""
import hashlib
import io
import zipfile
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MAX_LINES, MAX_BYTES = 24, 3000


def trim(data):
    lines = data.split(b"\n")
    out = b"\n".join(lines[:MAX_LINES])
    if len(lines) > MAX_LINES:
        out += b"\n"
    return out[:MAX_BYTES]


def case_files():
    """(case name, file name, bytes) for every file a golden case has or makes."""
    env = dict(os.environ, PATH=os.path.join(TOP, "bin") + ":" + os.environ["PATH"],
               LC_ALL="C.UTF-8", TZ="UTC")
    env.pop("SOURCE_DATE_EPOCH", None)
    cli = os.path.join(TOP, "tests", "cli")
    for case in sorted(os.listdir(cli)):
        src = os.path.join(cli, case)
        if not os.path.isfile(os.path.join(src, "cmd")):
            continue
        work = tempfile.mkdtemp()
        try:
            shutil.copytree(src, work, dirs_exist_ok=True)
            try:
                subprocess.run(["bash", "./cmd"], cwd=work, env=env, timeout=60,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                pass
            for root, _, files in os.walk(work):
                for f in sorted(files):
                    if f == "cmd" or (f.startswith("expected.") and f != "expected.out"):
                        continue
                    p = os.path.join(root, f)
                    if not os.path.isfile(p) or os.path.getsize(p) > 4 << 20:  # a FIFO, a big file
                        continue
                    with open(p, "rb") as fh:
                        yield case, f, fh.read()
        finally:
            shutil.rmtree(work)


def header(data):
    return data.split(b"\n", 1)[0].rstrip(b"\r")


def is_tsv(data):
    h = header(data)
    try:
        h.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\t" in h and not h.startswith(b"\xef\xbb\xbf") and b'"' not in h


class Corpus:
    def __init__(self):
        self.seeds = {}

    def add(self, name, prefix, data):
        blob = bytes(prefix) + trim(data)
        d = self.seeds.setdefault(name, {})
        d[hashlib.sha1(blob).hexdigest()] = blob

    def add_raw(self, name, prefix, data):
        blob = bytes(prefix) + data
        self.seeds.setdefault(name, {})[hashlib.sha1(blob).hexdigest()] = blob

    def write(self, top):
        for name, seeds in sorted(self.seeds.items()):
            d = os.path.join(top, name)
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            for h, blob in seeds.items():
                with open(os.path.join(d, h), "wb") as fh:
                    fh.write(blob)
            print("%-10s %4d seeds" % (name, len(seeds)))


def kind_of(data):
    h = header(data).decode("utf-8", "replace")
    if "indicator" in h or "指标" in h or "score" in h or "得分" in h:
        return 1
    if "from_id" in h or "结对" in h:
        return 2
    if "target" in h or "目标" in h:
        return 3
    if "unit_name" in h or "名称" in h or "org_mode" in h or "组建方式" in h:
        return 0
    return 4


def main():
    c = Corpus()
    files = list(case_files())
    registers = []
    for case, name, data in files:
        if not data:
            continue
        h = header(data)
        if is_tsv(data):
            c.add("tsv", [(len(data) & 0xbf)], data)
            if case.startswith("report-") or b"org_rate" in h or b"rank" in h:
                fmt = len(data) % 5
                c.add("report", [fmt, (len(data) * 7 + fmt * 37) & 0xff], data)
            if b"org_mode" in h:
                c.add("coverage", [0, len(data) & 0xff], data)
            if h.startswith(b"#pb_coverage_partial"):
                c.add("coverage", [1, 0], data)
            if b"target" in h and b"period_start" in h:
                c.add("coverage", [2, 0x04 | 0x08], data)
            if h.startswith(b"district") and b"org_rate" in h:
                c.add("coverage", [3, 0x08], data)
            if b"from_id" in h:
                c.add("coverage", [4, 0], data)
            if case.startswith("coverage-links") and b"unit_type" in h:
                c.add("coverage", [5, 0], data)
            if b"indicator" in h and b"score" in h:
                c.add("rank", [0, len(data) & 0xff], data)
            if h.startswith(b"indicator\tweight"):
                c.add("rank", [2, 0], data)
            if b"rank" in h.split(b"\t"):
                c.add("rank", [4 if b"period" in h else 3, 0x40], data)
            if case == "rank-wide":
                c.add("rank", [1, 0x80], data)
        if case.startswith("import-") and not is_tsv(data) or name.endswith(".csv"):
            registers.append(data)
        if case.startswith("import-maps-rules") and (name.startswith("rules") or
                                                    name.startswith("badrules")):
            c.add("rules", [], data)

    # workbooks: as bytes (fuzz_workbook) and as their parts (fuzz_xlsx)
    books = [(n, d) for _, n, d in files if d[:4] == b"PK\x03\x04" or d[:4] == b"\xd0\xcf\x11\xe0"]
    ex = os.path.join(TOP, "examples", "data")
    for f in sorted(os.listdir(ex)):
        if f.endswith((".xlsx", ".xls")):
            with open(os.path.join(ex, f), "rb") as fh:
                books.append((f, fh.read()))
    for i, (name, data) in enumerate(books):
        if len(data) <= 64 << 10:
            c.add_raw("workbook", [(i & 1) << 1 | (data[:4] != b"PK\x03\x04")], data)
        if data[:4] != b"PK\x03\x04":
            continue
        try:
            z = zipfile.ZipFile(io.BytesIO(data))
            parts = b""
            for info in z.infolist():
                if info.filename.startswith("docProps/"):
                    continue
                body = z.read(info)
                star = ""
                if len(body) > 64 << 10:  # a bomb: one piece of it, repeated
                    k = 0
                    while (4096 << k) < min(len(body), 4 << 20):
                        k += 1
                    body, star = body[:4096], "*%d" % k
                parts += b"@@" + info.filename.encode() + star.encode() + b"\n" + body + b"\n"
        except (zipfile.BadZipFile, EOFError, KeyError):
            continue
        c.add_raw("xlsx", [(i * 5) & 0x0f], parts)

    for f in sorted(os.listdir(ex)):
        with open(os.path.join(ex, f), "rb") as fh:
            registers.append(trim(fh.read()))
    conf = os.path.join(TOP, "tests", "conformance", "csv-spectrum", "csvs")
    if os.path.isdir(conf):
        for f in sorted(os.listdir(conf)):
            with open(os.path.join(conf, f), "rb") as fh:
                registers.append(fh.read())

    for i, data in enumerate(registers):
        c.add("input", [0x80 | (i % 5), i & 0xff], data)
        c.add("input", [(i * 3) % 5, (i * 11) & 0xff], data)
        c.add("import", [kind_of(data) | ((i & 1) << 4), 0], data)
    # the same register in every encoding pb-import reads
    sample = ("编号,单位名称,组建方式,党组织名称,党员数,成立时间\r\n"
              "C001,\"南浦\"\"新村\",单建,南浦新村党支部,１２,2022年8月4日\r\n"
              "C002,石湾小区,联建,石湾联合党支部,\"1,835\",44562\r\n"
              "C003,华远东,选派党建指导员,,3人,\r\n")
    for enc, bom, sel in (("utf-8", b"", 1), ("utf-8", b"\xef\xbb\xbf", 0),
                          ("gb18030", b"", 2), ("gb18030", b"", 0),
                          ("utf-16-le", b"\xff\xfe", 0), ("utf-16-le", b"", 3),
                          ("utf-16-be", b"\xfe\xff", 4), ("utf-16-be", b"", 0)):
        data = bom + sample.encode(enc)
        c.add("input", [0x80 | sel, 0], data)
        c.add("input", [sel, 7], data)
        c.add("import", [(sel if sel < 4 else 0) << 5, 0], data)
        tsv = bom + sample.replace(",", "\t").encode(enc)
        c.add("input", [sel | 0x10, 3], tsv)

    c.add("rules", [], "公寓$\tagency\n一号$\tresidential\n# a comment\n\n(?i)park$\tpark\r\n"
          .encode())
    c.add("rules", [], "(村民|村)?小组$\t村民小组\n^民办\t社会组织\n[一二三]期$\tkey_project\n"
          .encode())

    values = ["2022-08-04", "2022-8-4", "2022/08/04", "2022.8.4", "2022年8月4日", "2022年8月4号",
              "2022/8/4 0:00", "2022-08-04 09:30:00", "2022-08-04T09:30", "44562", "44562.5",
              "60", "61", "2958465", "1949-10-01", "2100-12-31", "2022-02-29", "2024-02-29",
              "1,835", "1835个", "12人", "3名", "-2", "0", "007", "9223372036854775807",
              "0.1", "83.35", "-0.5", "1e-7", "6.5/12", "0.8333333333333334", "1e300",
              "１２３", "\u3000单独组建\u3000", "单建", "联建", "选派党建指导员", "空白点", "是", "否",
              "√", "临时党支部", "物业住宅小区", "org_rate_delta_pp", "single_rate", "units",
              "合计", "ｓｉｎｇｌｅ", "Ⅻ", "ﬁ", "\u00a8", "e\u0301"]
    for i, v in enumerate(values):
        c.add("value", [i * 5 & 0x1f], v.encode())
    c.write(sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "tests", "fuzz", "corpus"))


if __name__ == "__main__":
    sys.exit(main())
