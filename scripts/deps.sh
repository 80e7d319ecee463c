#!/bin/sh
# Installs the Debian packages pb builds and tests with (chromium and a CJK font
# render the HTML report in a test; LibreOffice and poppler-utils open the Word
# and Excel reports in others), when any is missing.
# Uses apt-get (through sudo when not root) and says what it does.
set -e
pkgs="gcc make libcsv-dev libpcre2-dev libutf8proc-dev libxlsxwriter-dev libzip-dev libexpat1-dev libfreexl-dev libcairo2-dev libfontconfig-dev libcmocka-dev sqlite3 mawk unzip python3 bc parallel chromium fonts-wqy-microhei libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils"
[ -n "$PB_EXTRA_PKGS" ] && pkgs="$pkgs $PB_EXTRA_PKGS"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages:$missing (install them; this is not a Debian system)" >&2
	exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
