#!/bin/sh
# Runs the libFuzzer harnesses for `make fuzz` and `make fuzz-regress`, one at a
# time and niced (the machine is shared): first every committed seed and kept
# crash input (tests/fuzz/corpus/NAME, tests/fuzz/regress/NAME), then — unless
# FUZZ_REPLAY_ONLY=1 — FUZZ_SECONDS of fuzzing with tests/fuzz/pb.dict on a
# working corpus, build/fuzz/corpus/NAME: the committed seeds plus whatever
# earlier runs found, so long runs add up. A crash fails the run and names the
# input libFuzzer wrote under build/fuzz/artifacts/. FUZZ_KEEP=1 merges the
# new inputs of at most FUZZ_KEEP_MAX bytes (default 4096) into the committed
# corpus (-merge=1 keeps only those that add coverage), so it stays small.
# FUZZ_FORK=1 fuzzes in child processes and goes on past crashes, keeping
# each crashing input under build/fuzz/artifacts/ (for long runs).
# FUZZ_SEED=N fixes libFuzzer's random seed: CI's bounded run then explores
# the same inputs on every submission (long runs leave it unset).
# One summary line per harness; every run is also logged in build/fuzz/stats.log.
# Inputs listed in tests/fuzz/regress/OPEN (defects open in files this suite does
# not own) are left out of the replay; UBSan reports listed in tests/fuzz/ubsan.supp
# do not stop a run.
set -u
cd "$(dirname "$0")/../.."
top=$(pwd)
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$top/tests/fuzz/ubsan.supp"
secs=${FUZZ_SECONDS:-60}
art=build/fuzz/artifacts
mkdir -p "$art"
status=0
for name in ${FUZZ_TARGETS:?}; do
	bin=build/fuzz/fuzz_$name
	corpus=tests/fuzz/corpus/$name
	regress=tests/fuzz/regress/$name
	log=build/fuzz/$name.log
	[ -x "$bin" ] || { echo "fuzz $name: $bin is not built (make fuzz-build)"; status=1; continue; }
	kept=$(mktemp -d)
	for f in "$corpus"/* "$regress"/*; do
		[ -f "$f" ] || continue
		grep -q "^$name/${f##*/}	" tests/fuzz/regress/OPEN 2>/dev/null && continue
		ln -s "$top/$f" "$kept/${f##*/}"
	done
	nice -n 19 "$bin" -runs=0 -close_fd_mask=2 -artifact_prefix="$art/$name-" "$kept" >"$log" 2>&1
	rc=$?
	rm -rf "$kept"
	if [ $rc -ne 0 ]; then
		echo "fuzz $name: FAILED replaying the corpus and kept inputs; see $log"
		grep -aE 'ERROR|SUMMARY|check failed|Test unit written' "$log" | head -5 | sed 's/^/    /'
		status=1
		continue
	fi
	[ "${FUZZ_REPLAY_ONLY:-}" = 1 ] && { echo "fuzz $name: kept inputs replayed"; continue; }
	work=build/fuzz/corpus/$name
	mkdir -p "$work"
	[ -d "$corpus" ] && cp -n "$corpus"/* "$work"/ 2>/dev/null
	fork=
	[ "${FUZZ_FORK:-}" = 1 ] && fork="-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1"
	before=$(ls "$art" | grep -c "^$name-")
	nice -n 19 "$bin" -max_total_time="$secs" ${FUZZ_SEED:+-seed="$FUZZ_SEED"} $fork \
		-print_final_stats=1 -close_fd_mask=2 \
		-dict=tests/fuzz/pb.dict -timeout=20 -rss_limit_mb=2048 \
		-artifact_prefix="$art/$name-" "$work" >"$log" 2>&1
	rc=$?
	# fork mode goes on past a crash: the inputs it wrote down are the verdict
	found=$(($(ls "$art" | grep -c "^$name-") - before))
	[ $rc -eq 0 ] && [ $found -gt 0 ] && rc=1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	[ -n "$execs" ] || execs=$(grep -aE '^#[0-9]+' "$log" | tail -1 | sed 's/^#\([0-9]*\).*/\1/')
	last=$(grep -aE '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' || true)
	line="fuzz $name: ${secs}s, ${execs:-?} execs, ${last:-no stats}"
	if [ $rc -ne 0 ]; then
		line="$line — CRASH (exit $rc${fork:+, $found inputs kept})"
		status=1
	fi
	echo "$line"
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $line" >>build/fuzz/stats.log
	if [ $rc -ne 0 ]; then
		grep -aE 'ERROR|SUMMARY|check failed|Test unit written' "$log" | head -5 | sed 's/^/    /'
	elif [ "${FUZZ_KEEP:-}" = 1 ]; then
		small=$(mktemp -d)
		find "$work" -type f -size -"$((${FUZZ_KEEP_MAX:-4096} + 1))"c -exec cp {} "$small"/ \;
		mkdir -p "$corpus"
		nice -n 19 "$bin" -merge=1 -close_fd_mask=2 "$corpus" "$small" >>"$log" 2>&1 &&
			echo "    corpus: $(ls "$corpus" | wc -l) inputs in $corpus"
		rm -rf "$small"
	fi
done
exit $status
