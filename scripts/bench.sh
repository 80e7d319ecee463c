#!/bin/sh
# make bench: every scripts/bench-*.sh, each printing its timings and ratios.
# Timings are measurements for people, never test assertions.
cd "$(dirname "$0")/.."
PB_EXTRA_PKGS="datamash miller" sh scripts/deps.sh
for b in scripts/bench-*.sh; do
	[ -f "$b" ] || continue
	echo "== $b"
	bash "$b"
done
