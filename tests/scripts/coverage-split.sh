#!/usr/bin/env bash
# pb-coverage reads a large regular file on two cores (DESIGN §8 "Scale"): the output,
# the messages and the exit status must be byte for byte those of one pass. The split
# is forced on small random registers with PB_COVERAGE_SPLIT_MIN=0 and turned off with
# a size no file reaches. Joint organizations and --distinct values recur over the
# whole file, so many straddle the cut; bad rows, sums too large for two halves and a
# pipe (always one pass) are covered too.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

register() { # SEED ROWS [BAD]: a register; BAD plants bad rows and a sum that overflows
	awk -v seed="$1" -v n="$2" -v bad="${3:-0}" 'BEGIN {
		srand(seed); OFS = "\t"
		nd = split("禅城区 南海区 顺德区 高明区 三水区", d, " ")
		nt = split("residential key_project enterprise agency", t, " ")
		print "unit_id", "district", "unit_type", "town", "org_mode", "org_id", "members",
			"instructor", "established", "dissolved", "opened", "closed", "signed", "area"
		for (i = 1; i <= n; i++) {
			r = rand()
			mode = r < 0.35 ? "single" : r < 0.65 ? "joint" : r < 0.80 ? "work" : "none"
			if (rand() < 0.05) mode = (mode == "joint" ? "联合组建" : mode)
			org = mode == "single" ? "s" i : mode != "work" && mode != "none" ? "j" int(rand() * 150) : ""
			est = rand() < 0.8 ? sprintf("20%02d-%02d-%02d", 15 + int(rand() * 10), 1 + int(rand() * 12), 1 + int(rand() * 28)) : ""
			dis = rand() < 0.1 ? "2023-07-01" : ""
			opened = rand() < 0.1 ? "2024-02-01" : ""
			closed = rand() < 0.1 ? "2021-03-01" : ""
			area = rand() < 0.9 ? sprintf("%d.%0" int(rand() * 3) + 1 "d", int(rand() * 5000), int(rand() * 100)) : ""
			members = rand() < 0.95 ? int(rand() * 12) : ""
			if (bad && rand() < 0.002) members = "三"
			if (bad && rand() < 0.001) { print "u" i, "short row"; continue }
			if (bad == 2 && i % 997 == 0) area = "9" sprintf("%037d", 0)
			print "u" i, d[1 + int(rand() * nd)], t[1 + int(rand() * nt)], "t" int(rand() * 40),
				mode, org, members, (mode == "work" ? "i" i : ""), est, dis, opened, closed,
				int(rand() * 3), area
		}
	}' >"$tmp/units-$1.tsv"
}

configs=(
	"--by district,unit_type"
	"--by district --total"
	"--by district,unit_type --rollup --as-of 2023-12-31 --since 2022-01-01"
	"--by unit_type --status signed --covered 1,2"
	"--by district --sum area,members --distinct town,org_id"
	"--by town --partial --sum area --distinct unit_type"
	"--by district,unit_type --partial --as-of 2024-01-01"
	"--partial --status signed"
	"--total"
)

# one pass, two cores: stdout, stderr and the exit status
same() { # DESCRIPTION FILE ARGS...
	local what=$1 file=$2 rc1 rc2
	shift 2
	PB_COVERAGE_SPLIT_MIN=999999999999 pb-coverage "$@" "$file" >"$tmp/one.out" 2>"$tmp/one.err"
	rc1=$?
	PB_COVERAGE_SPLIT_MIN=0 pb-coverage "$@" "$file" >"$tmp/two.out" 2>"$tmp/two.err"
	rc2=$?
	if [ "$rc1" = "$rc2" ] && cmp -s "$tmp/one.out" "$tmp/two.out" &&
	   cmp -s "$tmp/one.err" "$tmp/two.err" && [ -s "$tmp/one.out" ] &&
	   { [ "$rc1" = 1 ] || [ ! -s "$tmp/one.err" ]; }; then
		ok "$what: two cores write what one pass writes (exit $rc1)"
	else
		notok "$what: two cores differ from one pass (exit $rc1 vs $rc2)" \
			"$(diff "$tmp/one.out" "$tmp/two.out" | head; diff "$tmp/one.err" "$tmp/two.err" | head)"
	fi
}

for seed in 1 2 3; do
	register "$seed" 6000
	for cfg in "${configs[@]}"; do
		# shellcheck disable=SC2086
		same "seed $seed, $cfg" "$tmp/units-$seed.tsv" $cfg
	done
done

# --links: the pairings are read once and both halves look them up
awk 'BEGIN { srand(5); print "from_id\tto_id"
	for (i = 1; i <= 3000; i++) print "u" (1 + int(rand() * 6000)) "\tu" (1 + int(rand() * 6000)) }' \
	>"$tmp/links.tsv"
same "--links" "$tmp/units-1.tsv" --by district --links "$tmp/links.tsv" --min-links 2
same "--links --partners" "$tmp/units-1.tsv" --by unit_type --partial --links "$tmp/links.tsv" \
	--partners "$tmp/units-2.tsv" --partner-type residential,agency

# bad rows in either half are reported once each, in file order, as one pass does
register 7 8000 1
same "bad rows" "$tmp/units-7.tsv" --by district,unit_type
same "bad rows, sums" "$tmp/units-7.tsv" --by district --sum area,members
# a sum one pass finds too large at some row: the second half is read in order
register 8 8000 2
same "a sum too large" "$tmp/units-8.tsv" --by district --sum area
same "a sum too large, partial" "$tmp/units-8.tsv" --by unit_type --partial --sum area

# a row split across the middle, a file of one data row, a last line without '\n'
register 9 3
same "three rows" "$tmp/units-9.tsv" --by district --total
head -c -1 "$tmp/units-1.tsv" >"$tmp/nonl.tsv"
same "no final newline" "$tmp/nonl.tsv" --by district,unit_type --sum area

# the two cores are used: a second thread is started on a regular file, none on a pipe
# (pthread_create clones with CLONE_THREAD; the sanitizers' helper processes do not)
if command -v strace >/dev/null 2>&1; then
	PB_COVERAGE_SPLIT_MIN=0 strace -f -e trace=clone,clone3 -o "$tmp/trace" \
		pb-coverage --by district "$tmp/units-1.tsv" >/dev/null 2>&1
	if grep -q 'CLONE_THREAD' "$tmp/trace"; then
		ok "a regular file is read by a second thread too"
	else
		notok "a regular file is read by a second thread too" "$tmp/trace"
	fi
	PB_COVERAGE_SPLIT_MIN=0 strace -f -e trace=clone,clone3 -o "$tmp/trace" \
		sh -c 'cat "$1" | pb-coverage --by district' sh "$tmp/units-1.tsv" >/dev/null 2>&1
	if ! grep -q 'CLONE_THREAD' "$tmp/trace"; then
		ok "a pipe is read in one pass (no thread started)"
	else
		notok "a pipe is read in one pass (no thread started)" "$tmp/trace"
	fi
fi

# a pipe (and stdin) stays one pass and writes the same
for cfg in "--by district,unit_type --sum area --distinct town" "--by town --partial --as-of 2023-12-31"; do
	# shellcheck disable=SC2086
	PB_COVERAGE_SPLIT_MIN=0 pb-coverage $cfg "$tmp/units-2.tsv" >"$tmp/file.out"
	# shellcheck disable=SC2086
	cat "$tmp/units-2.tsv" | PB_COVERAGE_SPLIT_MIN=0 pb-coverage $cfg >"$tmp/pipe.out"
	# shellcheck disable=SC2086
	PB_COVERAGE_SPLIT_MIN=0 pb-coverage $cfg - <"$tmp/units-2.tsv" >"$tmp/stdin.out"
	if cmp -s "$tmp/file.out" "$tmp/pipe.out" && cmp -s "$tmp/file.out" "$tmp/stdin.out"; then
		ok "a pipe and stdin give the file's output: $cfg"
	else
		notok "a pipe and stdin give the file's output: $cfg" "$(diff "$tmp/file.out" "$tmp/pipe.out" | head)"
	fi
done

# several files: each split in turn, the groups in one pass's order
same "two files" "$tmp/units-1.tsv" --by district,unit_type --partial --sum area "$tmp/units-3.tsv"
