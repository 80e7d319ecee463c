#!/usr/bin/env bash
# Replays every input the fuzzers found a defect with (tests/fuzz/regress/NAME/)
# and every seed (tests/fuzz/corpus/NAME/) through its harness, linked with the
# plain library (build/tests/replay_NAME, built by `make check`): each harness
# checks its properties, so an input passes when the replay exits 0 — no
# signal, no failed property. One TAP line per harness and per kept input.
# An input listed in tests/fuzz/regress/OPEN (a defect open in a file this suite
# does not own) is reported with its owner's file, and fails nothing.
set -u
cd "$(dirname "$0")/../.."
. tests/scripts/lib.sh
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

for src in tests/fuzz/fuzz_*.c; do
	name=${src#tests/fuzz/fuzz_}
	name=${name%.c}
	bin=build/tests/replay_$name
	if [ ! -x "$bin" ]; then
		notok "fuzz $name: $bin is not built"
		continue
	fi
	for f in tests/fuzz/regress/"$name"/*; do
		[ -f "$f" ] || continue
		("$bin" "$f" >/dev/null 2>"$tmp"; exit $?) 2>/dev/null
		rc=$?
		open=$(awk -F '\t' -v k="$name/${f##*/}" '$1 == k { print $2 }' tests/fuzz/regress/OPEN)
		if [ -n "$open" ]; then
			if [ $rc -eq 0 ]; then
				ok "fuzz $name: regress/${f##*/} (open in $open; passes in this build)"
			else
				ok "fuzz $name: regress/${f##*/} # TODO open in $open (exit $rc)"
			fi
		elif [ $rc -eq 0 ]; then
			ok "fuzz $name: regress/${f##*/}"
		else
			notok "fuzz $name: regress/${f##*/} (exit $rc)" "$(tail -20 "$tmp")"
		fi
	done
	set -- tests/fuzz/corpus/"$name"/*
	if [ -f "$1" ]; then
		"$bin" "$@" >/dev/null 2>"$tmp"
		rc=$?
		if [ $rc -eq 0 ]; then
			ok "fuzz $name: $# seeds"
		else
			notok "fuzz $name: seeds (exit $rc)" "$(tail -20 "$tmp")"
		fi
	fi
done
[ "$tap_n" -gt 0 ] || notok "no fuzz harness found"
