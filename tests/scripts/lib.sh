# Shared by the test scripts (sourced, not run): TAP lines that tests/run.sh counts.
# ok DESCRIPTION; notok DESCRIPTION [DETAIL], DETAIL being a file to show or text.
tap_n=0
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
notok() {
	tap_n=$((tap_n + 1))
	echo "not ok $tap_n - $1"
	[ -n "${2:-}" ] || return 0
	if [ -f "$2" ]; then head -20 "$2"; else printf '%s\n' "$2" | head -20; fi | sed 's/^/# /'
}
