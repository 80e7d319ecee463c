#!/usr/bin/env bash
# Runs every test: cmocka unit tests (TAP), golden CLI cases (tests/cli/*/),
# and property/differential scripts (tests/scripts/*.sh, TAP).
# Prints one line per test and ends with exactly "N passed, N failed".
# UPDATE=1 rewrites the golden expectations (review them with git diff).
# VALGRIND=1 runs the unit tests and every pb-* command of the golden cases
# under valgrind (memcheck, definite leaks are errors): a case fails on any
# report, which is shown; the property scripts are left out (too slow).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export PATH="$top/bin:$PATH" LC_ALL=C.UTF-8 TZ=UTC
unset SOURCE_DATE_EPOCH
passed=0 failed=0
only=${ONLY:-}
vg=${VALGRIND:-}

if [ "$vg" = 1 ]; then
	command -v valgrind >/dev/null || { echo "VALGRIND=1: valgrind is not installed"; exit 1; }
	# tests that replace the allocator themselves step aside: valgrind owns it
	export PB_UNDER_VALGRIND=1
	# wrappers named pb-import etc. first on PATH; each run logs to $PB_VG_LOGS
	vgbin=$(mktemp -d)
	trap 'rm -rf "$vgbin"' EXIT
	# LOGDIR PROGRAM ARGS...: a unit test under valgrind. Only definite leaks
	# are shown and count (a thread still running when a closed pipe ends
	# pb-import leaves its stack 'possibly lost'); a test's forked helper that
	# ends with _exit is not reported.
	vgrun() {
		local logs=$1
		shift
		valgrind -q --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
			--child-silent-after-fork=yes --error-exitcode=97 \
			--soname-synonyms=somalloc=nouserintercepts \
			--suppressions="$top/tests/valgrind.supp" --log-file="$logs/vg.%p.log" "$@"
	}
	for b in bin/pb-*; do
		printf '#!/bin/sh\nexec valgrind -q --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --child-silent-after-fork=yes --error-exitcode=97 --suppressions="%s" --log-file="$PB_VG_LOGS/vg.%%p.log" "%s" "$@"\n' \
			"$top/tests/valgrind.supp" "$top/$b" >"$vgbin/${b#bin/}"
		chmod +x "$vgbin/${b#bin/}"
	done
	export PATH="$vgbin:$PATH"
fi

# The valgrind reports in a log folder: empty when there were none.
vg_reports() {
	local f
	for f in "$1"/vg.*.log; do
		[ -s "$f" ] && { echo "valgrind (${f##*/}):"; head -40 "$f"; }
	done
	return 0
}

pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    /' | head -40; }

# Counts TAP lines from one producer; a producer that crashed counts as a failure.
tap() {
	local name=$1 out=$2 rc=$3 n=0
	while IFS= read -r line; do
		case $line in
		"ok "*) n=$((n + 1)); pass "$name: ${line#ok }" ;;
		"not ok "*"# SKIP"*) n=$((n + 1)); pass "$name: ${line#not ok } (skipped)" ;;
		"not ok "*) n=$((n + 1)); fail "$name: ${line#not ok }" "$(printf '%s\n' "$out" | grep -A8 -F "$line" | tail -n +2)" ;;
		esac
	done <<<"$out"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok' <<<"$out"; then
		fail "$name: exited $rc" "$(printf '%s\n' "$out" | tail -15)"
	elif [ $n -eq 0 ]; then
		fail "$name: ran no test" "$(printf '%s\n' "$out" | tail -15)"
	fi
}

# unit tests
for t in build/tests/test_*; do
	[ -x "$t" ] || continue
	[ -n "$only" ] && [[ $t != *$only* ]] && continue
	if [ "$vg" = 1 ]; then
		logs=$(mktemp -d)
		out=$(CMOCKA_MESSAGE_OUTPUT=TAP vgrun "$logs" "$t" 2>&1); rc=$?
		reports=$(vg_reports "$logs")
		rm -rf "$logs"
		if [ -n "$reports" ]; then
			fail "unit/${t##*/}: valgrind" "$reports"
			continue
		fi
	else
		out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1); rc=$?
	fi
	tap "unit/${t##*/}" "$out" $rc
done

# golden CLI cases: cmd, input files, expected.out, expected.err, expected.rc
for dir in tests/cli/*/; do
	case=${dir%/}; name=${case#tests/cli/}
	[ -f "$case/cmd" ] || continue
	[ -n "$only" ] && [[ $name != *$only* ]] && continue
	work=$(mktemp -d)
	cp -R "$case/." "$work/"
	rm -f "$work"/expected.*
	mkdir "$work/.vg"
	(cd "$work" && PB_VG_LOGS="$work/.vg" bash ./cmd >"$work/.out" 2>"$work/.err" </dev/null); rc=$?
	want_rc=0; [ -f "$case/expected.rc" ] && want_rc=$(cat "$case/expected.rc")
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$work/.out" "$case/expected.out"; cp "$work/.err" "$case/expected.err"
		echo $rc >"$case/expected.rc"; want_rc=$rc
		[ -s "$case/expected.out" ] || rm -f "$case/expected.out"
		[ -s "$case/expected.err" ] || rm -f "$case/expected.err"
		[ "$rc" = 0 ] && rm -f "$case/expected.rc"
	fi
	why=""
	[ "$rc" = "$want_rc" ] || why="exit $rc, expected $want_rc"
	exp_out=$case/expected.out; [ -f "$exp_out" ] || exp_out=/dev/null
	exp_err=$case/expected.err; [ -f "$exp_err" ] || exp_err=/dev/null
	d=$(diff -u "$exp_out" "$work/.out" 2>&1) || why="$why${why:+; }stdout differs"$'\n'"$d"
	d=$(diff -u "$exp_err" "$work/.err" 2>&1) || why="$why${why:+; }stderr differs"$'\n'"$d"
	d=$(vg_reports "$work/.vg")
	[ -z "$d" ] || why="$why${why:+; }"$'\n'"$d"
	if [ -z "$why" ]; then pass "cli/$name"; else fail "cli/$name" "$why"; fi
	rm -rf "$work"
done

# property, differential and conformance scripts (TAP)
for s in tests/scripts/*.sh; do
	[ "$vg" = 1 ] && break
	[ "${s##*/}" = lib.sh ] && continue
	[ -f "$s" ] || continue
	[ -n "$only" ] && [[ $s != *$only* ]] && continue
	out=$(bash "$s" 2>&1); rc=$?
	tap "${s#tests/}" "$out" $rc
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
