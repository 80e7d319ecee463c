#!/usr/bin/env bash
# Runs examples/coverage-parallel.sh (GNU parallel when installed, split -n r/N, and a
# simulated Hadoop Streaming map/shuffle/reduce) and checks each way gave the one-pass bytes.
set -u
out=$(sh examples/coverage-parallel.sh 2>&1); rc=$?
n=0
while IFS= read -r line; do
	case $line in
	"== one pass") ;;
	"== "*) what=${line#== } ;;
	*"same bytes as one pass") n=$((n + 1)); echo "ok $n - $what" ;;
	*"DIFFERS"*) n=$((n + 1)); echo "not ok $n - $what" ;;
	*"GNU parallel is not installed"*) n=$((n + 1)); echo "ok $n - $what # skip GNU parallel not installed" ;;
	esac
done <<<"$out"
if [ $rc -ne 0 ]; then
	n=$((n + 1)); echo "not ok $n - examples/coverage-parallel.sh exited $rc"; printf '%s\n' "$out" | sed 's/^/# /'
fi
echo "1..$n"
