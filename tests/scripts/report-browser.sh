#!/usr/bin/env bash
# Opens a pb-report HTML report in a real browser (headless chromium): renders it to a
# PNG and to an A4 PDF, and checks that both are real, that the page loads without
# errors and that the DOM holds the SVG chart with its bars. Without /usr/bin/chromium
# this fails (CI installs it). REPORT_BROWSER_KEEP=DIR keeps the PNG and PDF there.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
t() { local what=$1; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }

chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
	notok "headless browser: $chromium is not installed"
	exit 0
fi

pb-report --format html -o "$tmp/report.html" \
	--title '2022年上半年党组织覆盖情况通报' --subtitle '截至2022年6月30日' \
	--heading '一、分区县覆盖情况' --heading '二、综合排名' \
	--note '注：应建未建指有3名以上正式党员但未单独组建党组织的单位。' \
	--chart org_rate examples/report/coverage.tsv examples/report/rank.tsv
t "pb-report writes the HTML report" test -s "$tmp/report.html"

browse() { # one headless run in a fresh profile; extra flags follow
	local profile
	profile=$(mktemp -d)
	timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --enable-logging=stderr --v=0 "$@"
	local rc=$?
	rm -rf "$profile"
	return $rc
}
url="file://$tmp/report.html"

browse --screenshot="$tmp/report.png" --window-size=1200,1600 "$url" >/dev/null 2>"$tmp/png.err"
t "chromium renders a screenshot" test -s "$tmp/report.png"
png_ok() {
	python3 - "$tmp/report.png" <<'PY'
import struct, sys, zlib
b = open(sys.argv[1], 'rb').read()
assert b[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
w, h = struct.unpack('>II', b[16:24])
assert (w, h) == (1200, 1600), (w, h)
assert len(b) > 20000, len(b)   # a blank page compresses to a few kB
PY
}
t "the PNG is 1200x1600 and not blank" png_ok

browse --print-to-pdf="$tmp/report.pdf" --no-pdf-header-footer "$url" >/dev/null 2>"$tmp/pdf.err"
pdf_ok() {
	python3 - "$tmp/report.pdf" <<'PY'
import re, sys
b = open(sys.argv[1], 'rb').read()
assert b[:5] == b'%PDF-', 'not a PDF'
assert len(b) > 10000, len(b)
boxes = re.findall(rb'/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]', b)
assert boxes, 'no page'
for w, h in boxes:  # A4 is 595.28 x 841.89 pt; the wide table prints landscape
    w, h = sorted((float(w), float(h)))
    assert abs(w - 595.28) < 2 and abs(h - 841.89) < 2, (w, h)
PY
}
t "the PDF is real and its pages are A4" pdf_ok

browse --dump-dom "$url" >"$tmp/dom.html" 2>"$tmp/dom.err"
t "the DOM has the chart: an <svg> with <rect> bars" \
	python3 -c 'import re,sys; d=open(sys.argv[1],encoding="utf-8").read(); s=re.search(r"<svg.*?</svg>",d,re.S); assert s and len(re.findall(r"<rect ",s.group()))==4' "$tmp/dom.html"
t "the DOM has both tables with the totals row" \
	python3 -c 'import sys; d=open(sys.argv[1],encoding="utf-8").read(); assert d.count("<table>")==2 and "<tr class=\"total\">" in d and "84.5%" in d' "$tmp/dom.html"
no_errors() {
	! grep -hE 'CONSOLE|Uncaught|net::ERR|Failed to load|Refused to' "$tmp/png.err" "$tmp/pdf.err" "$tmp/dom.err"
}
t "the page loads without console or network errors" no_errors

# the bulletin: filled prose, and a trend as a line (an SVG path) per group, totals left out
printf '全市单独组建率{1:2022-07/合计:single_rate}，禅城区{1:2022-07/禅城区:single_rate}。\n' >"$tmp/prose.txt"
pb-report --format html -o "$tmp/trend.html" --template "$tmp/prose.txt" --chart single_rate \
	--order district=禅城区,南海区 tests/cli/report-trend/trend.tsv
browse --dump-dom "file://$tmp/trend.html" >"$tmp/trend-dom.html" 2>"$tmp/trend.err"
t "the DOM has the filled prose and a line per group of the trend" \
	python3 -c 'import re,sys; d=open(sys.argv[1],encoding="utf-8").read(); s=re.search(r"<svg.*?</svg>",d,re.S).group(); assert len(re.findall(r"<path ",s))==3 and "全市单独组建率72.2%，禅城区87.5%。" in d' "$tmp/trend-dom.html"

if [ -n "${REPORT_BROWSER_KEEP:-}" ]; then
	cp "$tmp/report.png" "$tmp/report.pdf" "$tmp/report.html" "$REPORT_BROWSER_KEEP/"
fi
